using Switchboard.Abstractions;

namespace Switchboard.TestPlugins.ReloadProbe;

/// <summary>Background work started and stopped through the lifecycle hook: a running timer would otherwise pin the plugin.</summary>
public sealed class ProbeTicker : IPluginLifecycle
{
    private Timer? _timer;

    public static int Ticks;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _timer = new Timer(_ => Interlocked.Increment(ref Ticks), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(100));
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_timer is not null)
            await _timer.DisposeAsync();
        _timer = null;
    }
}
