using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Switchboard.Tests.Infrastructure;

/// <summary>The host as its own process, as an operator runs it: for what only a whole process shows (signals, exit codes).</summary>
public sealed partial class HostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private HostProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Read(e.Data);
        _process.ErrorDataReceived += (_, e) => Read(e.Data);
        _process.Exited += (_, _) => _listening.TrySetException(new InvalidOperationException("the host exited before listening:\n" + Output));
    }

    /// <summary>Everything the host printed so far.</summary>
    public string Output => string.Join("\n", _lines);

    public Uri Address { get; private set; } = null!;

    public int Id => _process.Id;

    /// <summary>Starts the built host (<c>Switchboard.Host.dll</c> beside the tests) on a free loopback port.</summary>
    public static async Task<HostProcess> StartAsync(string pluginsDirectory, params string[] settings)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Switchboard.Host.dll"));
        foreach (var arg in new[] { "--plugins", pluginsDirectory, "--urls", "http://127.0.0.1:0", "--Switchboard:Catalog:Watch=false" }.Concat(settings.Select(s => "--" + s)))
            start.ArgumentList.Add(arg);
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var host = new HostProcess(process);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        host.Address = await host._listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
        return host;
    }

    /// <summary>Sends SIGTERM, as a service manager or container runtime does to stop the host.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString()]);
        kill.WaitForExit();
    }

    /// <summary>The exit code, or null when the process still runs after <paramref name="within"/>.</summary>
    public async Task<int?> WaitForExitAsync(TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    private void Read(string? line)
    {
        if (line is null)
            return;
        _lines.Enqueue(line);
        if (ListeningLine().Match(line) is { Success: true } match)
            _listening.TrySetResult(new Uri(match.Groups[1].Value));
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningLine();

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
