using Switchboard.Tests.Infrastructure;
using Switchboard.ZeebeTestGateway;

namespace Switchboard.Tests.Inbound;

/// <summary>What a test of a misbehaving inbound connector starts from: a test gateway, a plugins folder holding the
/// HostileInbound fixture, and a folder of its own for the pollers' state, all removed afterwards.</summary>
internal sealed class HostileInboundSandbox : IAsyncDisposable
{
    private HostileInboundSandbox(TestGatewayServer gateway)
    {
        Gateway = gateway;
        Hostile = Plugins.Add(Repository.TestPlugin("HostileInbound"));
    }

    /// <summary>The HostileInbound plugin's folder in <see cref="Plugins"/>.</summary>
    public string Hostile { get; }

    /// <summary>The plugins folder.</summary>
    public PluginSandbox Plugins { get; } = new();

    /// <summary>Where the pollers' state goes (not created: a test may put a file there instead).</summary>
    public string State { get; } = Path.Combine(Path.GetTempPath(), "switchboard-tests", "state-" + Guid.NewGuid().ToString("N")[..12]);

    /// <summary>The gateway the activations publish to.</summary>
    public TestGatewayServer Gateway { get; }

    public static async Task<HostileInboundSandbox> StartAsync() => new(await TestGatewayServer.StartAsync());

    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        Plugins.Dispose();
        if (File.Exists(State))
            File.Delete(State);
        if (Directory.Exists(State))
            Directory.Delete(State, recursive: true);
    }
}
