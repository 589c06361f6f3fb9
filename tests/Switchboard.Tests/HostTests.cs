using System.Net;
using System.Text.Json.Nodes;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests;

public sealed class HostTests
{
    [Fact]
    public async Task Health_and_plugins_answer_with_the_shipped_plugins_loaded()
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.ShippedPlugin("Calculator"));
        sandbox.Add(Repository.ShippedPlugin("Log"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory);

        var health = await host.Http.GetAsync("/health");
        health.StatusCode.Should().Be(HttpStatusCode.OK);
        JsonNode.Parse(await health.Content.ReadAsStringAsync())!["status"]!.GetValue<string>().Should().Be("healthy");

        var plugins = JsonNode.Parse(await host.Http.GetStringAsync("/plugins"))!.AsArray();
        plugins.Select(p => p!["name"]!.GetValue<string>()).Should().Equal("Calculator", "Log");
        plugins.Should().OnlyContain(p => p!["state"]!.GetValue<string>() == "loaded" && p["generation"]!.GetValue<int>() == 1);
        plugins[0]!["connectors"]![0]!["type"]!.GetValue<string>().Should().Be("io.switchboard:calculator:1");
        plugins[1]!["connectors"]![0]!["operations"]![0]!["spiffCommand"]!.GetValue<string>().Should().Be("log/Log");
    }
}
