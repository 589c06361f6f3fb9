using System.Diagnostics;

namespace Switchboard.Tests.Infrastructure;

/// <summary>Runs the <c>dotnet</c> CLI as a child process the way a user would, leaving no build servers behind.</summary>
public static class DotnetCli
{
    /// <summary>Runs <c>dotnet</c> with <paramref name="args"/>; returns the exit code and everything it printed.</summary>
    public static Task<(int ExitCode, string Output)> RunAsync(string workingDirectory, TimeSpan timeout, params string[] args) =>
        RunAsync(workingDirectory, timeout, null, args);

    /// <summary>Runs <c>dotnet</c> with extra environment variables (e.g. <c>NUGET_PACKAGES</c>).</summary>
    public static Task<(int ExitCode, string Output)> RunAsync(string workingDirectory, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment, params string[] args) =>
        RunProcessAsync("dotnet", workingDirectory, timeout, environment, args);

    /// <summary>Runs a shell script with bash (<c>-e</c>: it stops at the first failing command), as a user pastes commands.</summary>
    public static Task<(int ExitCode, string Output)> RunScriptAsync(string workingDirectory, TimeSpan timeout, string script) =>
        RunProcessAsync("bash", workingDirectory, timeout, null, ["-e", "-c", script]);

    private static async Task<(int ExitCode, string Output)> RunProcessAsync(string program, string workingDirectory, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment, string[] args)
    {
        var start = new ProcessStartInfo(program, args)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // The test runner's own MSBuild settings must not leak into a separate build.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(key);
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_DO_NOT_USE_MSBUILD_SERVER"] = "1";
        start.Environment["UseSharedCompilation"] = "false";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            start.Environment[key] = value;

        using var process = Process.Start(start) ?? throw new InvalidOperationException(program + " could not be started");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not finish within {timeout}: {await stdout}");
        }
        return (process.ExitCode, await stdout + await stderr);
    }
}
