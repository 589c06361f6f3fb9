using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Csp;

/// <summary>One running host shared by a test class: Calculator, Log, the reload probe (1 s timeout) and the faults plugin.</summary>
public sealed class CspHostFixture : IAsyncLifetime
{
    private readonly PluginSandbox _sandbox = new();

    /// <summary>Settings every CSP host in these tests uses: a short probe timeout and fast callback retries.</summary>
    // The timeout covers every probe operation, so it leaves room for a first call's JIT on a loaded CI machine (1 s did not).
    public static readonly string[] Settings =
    [
        "Plugins:ReloadProbe:TimeoutSeconds=3",
        "Switchboard:Csp:Callback:MaxAttempts=3",
        "Switchboard:Csp:Callback:FirstRetryDelay=00:00:00.050",
        "Switchboard:Csp:Callback:MaxRetryDelay=00:00:00.200",
    ];

    public RunningHost Host { get; private set; } = null!;

    public HttpClient Http => Host.Http;

    public static void AddPlugins(PluginSandbox sandbox)
    {
        sandbox.Add(Repository.ShippedPlugin("Calculator"));
        sandbox.Add(Repository.ShippedPlugin("Log"));
        sandbox.Add(Repository.TestPlugin("ReloadProbe.V1"), "ReloadProbe");
        sandbox.Add(Repository.TestPlugin("Faults"));
    }

    public async Task InitializeAsync()
    {
        AddPlugins(_sandbox);
        Host = await RunningHost.StartAsync(_sandbox.Directory, Settings);
        await WarmUpAsync();
    }

    // The probe's first call pays for JIT of the whole call path inside its 3 s timeout; on a loaded CI machine that
    // alone once ran past it. One call here, whatever it answers, takes that cost out of the tests' own calls.
    private async Task WarmUpAsync()
    {
        await Http.PostAsync(CspCall.Request(0, CspCall.Probe, new System.Text.Json.Nodes.JsonObject { ["echo"] = "warm-up" }, operation: "identify"));
        await Http.PostAsync(CspCall.Request(0, "io.switchboard:calculator:1", CspCall.Add(1, 1)));
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        _sandbox.Dispose();
    }
}
