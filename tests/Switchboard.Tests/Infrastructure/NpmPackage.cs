using System.Diagnostics;
using System.Collections.Concurrent;

namespace Switchboard.Tests.Infrastructure;

/// <summary>Real peers from the npm registry (protos, schemas, binaries, interpreters), fetched at test time into artifacts/npm.</summary>
public static class NpmPackage
{
    private static readonly ConcurrentDictionary<string, Lazy<Task<string>>> Installs = new();

    /// <summary>Installs <paramref name="spec"/> (e.g. <c>zbctl@8.4.1</c>) once per checkout and returns its package folder;
    /// <paramref name="peers"/> are installed beside it at the versions given, where npm would otherwise pick the newest.</summary>
    public static Task<string> InstallAsync(string spec, params string[] peers) =>
        Installs.GetOrAdd(string.Join(' ', [spec, .. peers]), _ => new Lazy<Task<string>>(() => InstallOnceAsync(spec, peers))).Value;

    // Found here rather than through Repository, so the benchmarks can compile this file in too.
    private static string CheckoutRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "Plugins.sln")))
                return directory.FullName;
        throw new InvalidOperationException("Plugins.sln not found above " + AppContext.BaseDirectory);
    }

    private static async Task<string> InstallOnceAsync(string spec, string[] peers)
    {
        var name = spec.LastIndexOf('@') > 0 ? spec[..spec.LastIndexOf('@')] : spec;
        // Peers are part of the folder's name, so another set of versions never reuses this install.
        var prefix = Path.Combine(CheckoutRoot(), "artifacts", "npm", string.Join('+', [spec, .. peers]).Replace('/', '+'));
        var folder = Path.Combine(prefix, "node_modules", name);
        var marker = Path.Combine(prefix, ".installed");
        if (File.Exists(marker))
            return folder;

        Directory.CreateDirectory(prefix);
        // A package.json of its own keeps npm from walking up into the checkout; lockfile and audit add nothing here.
        await File.WriteAllTextAsync(Path.Combine(prefix, "package.json"), """{"name":"switchboard-test-peer","private":true}""");
        var start = new ProcessStartInfo("npm", ["install", "--no-audit", "--no-fund", "--no-package-lock", "--loglevel=error", spec, .. peers])
        {
            WorkingDirectory = prefix,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var npm = Process.Start(start) ?? throw new InvalidOperationException("npm could not be started");
        var stdout = npm.StandardOutput.ReadToEndAsync();
        var stderr = npm.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await npm.WaitForExitAsync(timeout.Token);
        if (npm.ExitCode != 0 || !Directory.Exists(folder))
            throw new InvalidOperationException($"npm install {spec} failed ({npm.ExitCode}): {await stderr}{await stdout}");
        await File.WriteAllTextAsync(marker, spec);
        return folder;
    }
}
