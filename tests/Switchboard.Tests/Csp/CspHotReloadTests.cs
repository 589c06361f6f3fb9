using System.Text.Json.Nodes;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Csp;

/// <summary>CSP follows the catalog while the host runs: a plugin dropped in is callable, a removed one is method-not-found.</summary>
public sealed class CspHotReloadTests
{
    [Fact]
    public async Task A_plugin_added_then_removed_while_the_host_runs_is_served_then_unknown()
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.ShippedPlugin("Calculator"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory);
        var identify = CspCall.Request("probe", CspCall.Probe, new JsonObject { ["echo"] = "hi" }, operation: "identify");

        (await host.Http.PostAsync(identify)).ErrorCode.Should().Be(-32601);

        var folder = sandbox.Add(Repository.TestPlugin("ReloadProbe.V1"), "ReloadProbe");
        var served = await Eventually.WaitFor(() => host.Http.PostAsync(identify), a => a.Result is not null, because: "the probe plugin gets loaded");
        served.Result!["output"]!["variant"]!.GetValue<string>().Should().Be("v1");
        JsonNode.Parse(await host.Http.GetStringAsync("/csp/connectors"))!.AsObject().ContainsKey(CspCall.Probe).Should().BeTrue();

        Directory.Delete(folder, recursive: true);
        var gone = await Eventually.WaitFor(() => host.Http.PostAsync(identify), a => a.Error is not null, because: "the probe plugin gets removed");
        gone.ErrorCode.Should().Be(-32601);
        gone.ErrorData!["errorCode"]!.GetValue<string>().Should().Be("ConnectorNotFound");
        JsonNode.Parse(await host.Http.GetStringAsync("/csp/connectors"))!.AsObject().ContainsKey(CspCall.Probe).Should().BeFalse();
        (await host.Http.PostAsync(CspCall.Request(1, CspCall.Calculator, CspCall.Add(1, 1)))).Result.Should().NotBeNull();
    }
}
