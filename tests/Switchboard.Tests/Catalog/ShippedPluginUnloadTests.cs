using System.Net;
using System.Text.Json.Nodes;
using Switchboard.Abstractions;
using Switchboard.Host.Catalog;
using Switchboard.Core;
using Switchboard.Core.Invoking;
using Switchboard.Host.Invocation;
using Switchboard.Tests.Http;
using Switchboard.Tests.Infrastructure;
using Switchboard.Tests.Smtp;

namespace Switchboard.Tests.Catalog;

/// <summary>Every plugin we ship, after serving calls of each kind (successes and failures), reloads and its old generation is collected.</summary>
public sealed class ShippedPluginUnloadTests
{
    [Fact]
    public async Task Every_shipped_plugin_is_collected_after_serving_calls_and_reloading()
    {
        await using var upstream = await Upstream.StartAsync();
        await using var smtp = await SmtpSink.StartAsync();
        await using var harness = await CatalogHarness.StartAsync(sandbox =>
        {
            foreach (var plugin in new[] { "Calculator", "Log", "Http", "Smtp" })
                sandbox.Add(Repository.ShippedPlugin(plugin));
        }, watch: false, options => options.UnloadTimeout = TimeSpan.FromSeconds(10));

        var calls = new (string Type, string? Operation, string Input)[]
        {
            ("io.switchboard:calculator:1", null, """{"action":"add","a":1,"b":2}"""),
            ("io.switchboard:calculator:1", null, """{"action":"divide","a":1,"b":0}"""),
            ("io.switchboard:http:1", "get", $$"""{"url":"{{upstream.Url("json")}}"}"""),
            ("io.switchboard:http:1", "post", $$"""{"url":"{{upstream.Url("echo")}}","data":{"a":1} }"""),
            ("io.switchboard:http:1", "get", $$"""{"url":"{{upstream.Url("missing")}}"}"""),
            ("io.switchboard:http:1", "get", """{"url":"http://127.0.0.1:9/refused","timeout_seconds":2}"""),
            ("io.switchboard:smtp:1", null, $$"""{"smtp_host":"127.0.0.1","smtp_port":{{smtp.Port}},"email_subject":"s","email_body":"b","email_to":"ada@example.com","email_from":"x@example.com"}"""),
            ("io.switchboard:smtp:1", null, $$"""{"smtp_host":"127.0.0.1","smtp_port":{{smtp.Port}},"email_subject":"s","email_body":"b","email_to":"reject@example.com","email_from":"x@example.com"}"""),
        };
        foreach (var (type, operation, input) in calls)
            await harness.Pipeline.InvokeAsync(new Invocation(type, operation, JsonNode.Parse(input)!.AsObject(), Protocol.InProcess));
        var log = harness.Catalog.Connectors.Single(c => c.Type.Contains(":log:"));
        await harness.Pipeline.InvokeAsync(new Invocation(log.Type, log.Operations.FirstOrDefault()?.Id, new JsonObject { ["message"] = "hello" }, Protocol.InProcess));

        foreach (var plugin in new[] { "Calculator", "Log", "Http", "Smtp" })
            await harness.Catalog.SyncAsync(plugin, force: true);
        await harness.Catalog.WaitForUnloadsAsync();

        foreach (var plugin in new[] { "Calculator", "Log", "Http", "Smtp" })
            harness.Plugin(plugin).PreviousGenerations.Should().ContainSingle().Which.State.Should().Be(PluginState.Unloaded,
                $"{plugin} generation 1 must be collected: {harness.Plugin(plugin).PreviousGenerations.Single().Reason}");
    }
}
