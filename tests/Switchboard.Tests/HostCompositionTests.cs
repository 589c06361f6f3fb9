using System.Net;
using System.Text.Json.Nodes;
using Switchboard.Host.Hosting;
using Switchboard.Host.Protocols.Csp;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests;

/// <summary>A host is composed with <c>services.AddSwitchboard(configuration)</c> and the protocols it serves; <c>/health</c>
/// is built from the health checks of what was added.</summary>
public sealed class HostCompositionTests
{
    [Fact]
    public async Task A_host_composed_with_CSP_alone_serves_CSP_and_nothing_of_the_other_protocols()
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.ShippedPlugin("Calculator"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory, null, switchboard => switchboard.AddCsp());

        var call = await host.Http.PostAsync("/csp/connector", new StringContent(
            """{"jsonrpc":"2.0","id":1,"method":"io.switchboard:calculator:1","params":{"input":{"action":"add","a":1,"b":2}}}""",
            System.Text.Encoding.UTF8, "application/json"));
        var spiff = await host.Http.GetAsync("/v1/commands");
        var health = JsonNode.Parse(await host.Http.GetStringAsync("/health"))!.AsObject();
        var plugins = JsonNode.Parse(await host.Http.GetStringAsync("/plugins"))!;

        JsonNode.Parse(await call.Content.ReadAsStringAsync())!["result"]!["output"]!["result"]!.GetValue<double>().Should().Be(3);
        spiff.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await spiff.Content.ReadAsStringAsync()).Should().BeEmpty("a host without the Spiff adapter has no Spiff routes to answer in Spiff's form");
        health.Select(p => p.Key).Should().BeEquivalentTo("status", "catalog", "csp");
        health["status"]!.GetValue<string>().Should().Be("healthy");
        health["catalog"]!["loaded"]!.GetValue<int>().Should().Be(1);
        plugins[0]!["connectors"]![0]!["zeebe"].Should().BeNull("no Zeebe worker exists in this host");
    }

    [Fact]
    public async Task The_default_host_reports_every_part_in_health()
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.ShippedPlugin("Calculator"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory);

        var health = JsonNode.Parse(await host.Http.GetStringAsync("/health"))!.AsObject();

        health.Select(p => p.Key).Should().BeEquivalentTo("status", "catalog", "csp", "spiff", "zeebe");
        health["zeebe"]!["state"]!.GetValue<string>().Should().Be("off");
        health["zeebe"]!["status"]!.GetValue<string>().Should().Be("healthy");
        health["csp"]!["callbacks"]!["lost"]!.GetValue<long>().Should().Be(0);
    }
}
