using Switchboard.Abstractions;
using Switchboard.Abstractions.Spiff;

namespace Switchboard.TestPlugins.Leaky;

/// <summary>A connector that hooks a process-wide event and never unhooks it, as careless plugins do; its context can never be collected.</summary>
[Connector("test.switchboard:leaky:1"), SpiffCommand("leaky/Ping")]
public sealed class LeakyConnector
{
    private int _seen;

    public LeakyConnector() => AppDomain.CurrentDomain.ProcessExit += OnProcessExit;

    [Operation]
    public PingOutput Ping(PingInput input) => new(input.Echo, _seen);

    private void OnProcessExit(object? sender, EventArgs e) => _seen++;
}

public sealed class PingInput
{
    public string Echo { get; set; } = "";
}

public sealed record PingOutput(string Echo, int Seen);
