using Switchboard.Abstractions;

namespace Switchboard.TestPlugins.HostileDashboard;

/// <summary>A connector whose plugin is hostile to the developer dashboard and the status endpoints: its start fails
/// with a message as long as <c>Plugins:HostileDashboard:FailLength</c> says (when set), and its one operation takes a
/// map, whose keys are the caller's input.</summary>
[Connector("test.switchboard:hostile-dashboard:1", Name = "Hostile dashboard")]
public sealed class HostileDashboardConnector
{
    [Operation]
    public CountOutput Count(CountInput input) => new(input.Counts.Values.Sum());
}

public sealed class CountInput
{
    public Dictionary<string, int> Counts { get; set; } = new();
}

public sealed record CountOutput(int Total);

/// <summary>Fails the plugin's start with a message of <c>FailLength</c> characters, as third-party code quoting a whole
/// upstream answer or file in its exception does.</summary>
public sealed class HostileDashboardLifecycle(IPluginContext plugin) : IPluginLifecycle
{
    public Task StartAsync(CancellationToken cancellationToken) =>
        int.TryParse(plugin.Configuration["FailLength"], out var length)
            ? throw new InvalidOperationException("could not start: " + new string('é', length))
            : Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
