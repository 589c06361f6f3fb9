using Switchboard.Abstractions;

namespace Switchboard.TestPlugins.SlowStart;

[Connector("test.switchboard:slow-start:1", Name = "Slow start")]
public sealed class SlowStartConnector
{
    [Operation]
    public PingOutput Ping(PingInput input) => new(input.Echo);
}

public sealed class PingInput
{
    public string Echo { get; set; } = "";
}

public sealed record PingOutput(string Echo);

/// <summary>Starts background work only once the file <c>release-start</c> exists in its folder (deaf to the start's
/// cancellation, as slow third-party start code is), then writes <c>started</c>; its stop writes <c>stopped</c>. Each start
/// adds a line to <c>starting</c> as it begins; its stop and its dispose each add a line to <c>order</c>.</summary>
public sealed class SlowStartLifecycle(IPluginContext plugin) : IPluginLifecycle, IDisposable
{
    private Timer? _timer;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        File.AppendAllText(Path.Combine(plugin.PluginDirectory, "starting"), "start\n");
        while (!File.Exists(Path.Combine(plugin.PluginDirectory, "release-start")))
            await Task.Delay(20, CancellationToken.None);
        _timer = new Timer(_ => { }, null, TimeSpan.Zero, TimeSpan.FromMilliseconds(100));
        await File.WriteAllTextAsync(Path.Combine(plugin.PluginDirectory, "started"), "", CancellationToken.None);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_timer is not null)
            await _timer.DisposeAsync();
        File.AppendAllText(Path.Combine(plugin.PluginDirectory, "order"), "stop\n");
        await File.WriteAllTextAsync(Path.Combine(plugin.PluginDirectory, "stopped"), "", CancellationToken.None);
    }

    public void Dispose() => File.AppendAllText(Path.Combine(plugin.PluginDirectory, "order"), "dispose\n");
}
