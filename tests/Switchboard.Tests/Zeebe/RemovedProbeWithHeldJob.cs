using Switchboard.Tests.Infrastructure;
using Switchboard.ZeebeTestGateway;

namespace Switchboard.Tests.Zeebe;

/// <summary>A running host on a test gateway whose ReloadProbe plugin was removed while one of its Zeebe jobs still runs:
/// the job waits for a release file, so its worker drains it for as long as the test needs. Disposing releases the job,
/// then stops the host (unless the test stopped it) and the gateway.</summary>
internal sealed class RemovedProbeWithHeldJob : IAsyncDisposable
{
    public const string Probe = "test.switchboard:probe:1";

    private readonly string _release;
    private bool _hostStopped;

    private RemovedProbeWithHeldJob(TestGatewayServer server, PluginSandbox sandbox, RunningHost host, string release)
    {
        Server = server;
        Sandbox = sandbox;
        Host = host;
        _release = release;
    }

    public TestGatewayServer Server { get; }
    public PluginSandbox Sandbox { get; }
    public RunningHost Host { get; }

    /// <summary>Starts the host with ReloadProbe and whatever <paramref name="others"/> adds, runs a probe job that waits,
    /// and removes the probe's folder once the job runs.</summary>
    public static async Task<RemovedProbeWithHeldJob> StartAsync(Action<PluginSandbox> others, params string[] settings)
    {
        var server = await TestGatewayServer.StartAsync();
        var sandbox = new PluginSandbox();
        var probeFolder = sandbox.Add(Repository.TestPlugin("ReloadProbe.V1"), "ReloadProbe");
        others(sandbox);
        var release = Path.Combine(sandbox.Directory, ".release-" + Guid.NewGuid().ToString("N")[..8]);
        var host = await RunningHost.StartAsync(sandbox.Directory,
            ["Switchboard:Zeebe:Address=" + server.Address, "Switchboard:Zeebe:PollInterval=00:00:00.050", "Switchboard:Zeebe:RequestTimeout=00:00:01",
            "Plugins:ReloadProbe:TimeoutSeconds=120", .. settings]);
        var held = new RemovedProbeWithHeldJob(server, sandbox, host, release);
        var job = server.Gateway.CreateJob(Probe, $$"""{"releaseFile":{{System.Text.Json.JsonSerializer.Serialize(release)}}}""",
            new() { ["operation"] = "wait" });
        await Eventually.WaitFor(() => server.Gateway.Job(job).Activations > 0, because: "the probe job runs");
        Directory.Delete(probeFolder, recursive: true);
        await Eventually.WaitFor(() => host.Catalog.Find(Probe) is null, because: "the probe plugin is removed");
        return held;
    }

    /// <summary>Stops the host with the probe's job still held.</summary>
    public Task StopHostAsync()
    {
        _hostStopped = true;
        return Host.DisposeAsync().AsTask();
    }

    public async ValueTask DisposeAsync()
    {
        File.WriteAllText(_release, "go");
        if (!_hostStopped)
            await Host.DisposeAsync();
        Sandbox.Dispose();
        await Server.DisposeAsync();
    }
}
