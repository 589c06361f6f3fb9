using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Templates;

/// <summary>Inbound element templates, generated from the inbound connectors' metadata: one per element kind, valid for
/// Camunda's schema, and binding what Camunda's own inbound templates bind, so the inbound adapter reads what Modeler writes.</summary>
public sealed class InboundElementTemplateTests : IAsyncLifetime
{
    private const string OfficialTemplates = "@camunda/connectors-element-templates@1.0.29";
    private readonly PluginSandbox _sandbox = new();
    private RunningHost _host = null!;

    public async Task InitializeAsync()
    {
        _sandbox.Add(Repository.ShippedPlugin("Webhook"));
        _sandbox.Add(Repository.ShippedPlugin("Http"));
        _sandbox.Add(Repository.ShippedPlugin("RandomNumber"));
        _host = await RunningHost.StartAsync(_sandbox.Directory, "Switchboard:Catalog:Watch=false");
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _sandbox.Dispose();
    }

    private async Task<JsonArray> TemplatesOf(string type) => (await _host.Http.GetFromJsonAsync<JsonArray>("/element-templates/" + type))!;

    private static IEnumerable<JsonObject> Props(JsonNode template) => template["properties"]!.AsArray().Select(p => p!.AsObject());

    private static HashSet<string> Bindings(JsonNode template) =>
        Props(template).Select(p => $"{p["binding"]!["type"]}/{p["binding"]!["name"] ?? p["binding"]!["property"]}").ToHashSet();

    [Fact]
    public async Task Every_inbound_connector_has_one_schema_valid_template_per_element_kind()
    {
        var all = (await _host.Http.GetFromJsonAsync<JsonArray>("/element-templates"))!;
        var inbound = all.Where(t => ((string)t!["id"]!).StartsWith("io.camunda.webhook.", StringComparison.Ordinal)
                                     || ((string)t!["id"]!).StartsWith("io.camunda.http-polling.", StringComparison.Ordinal)
                                     || ((string)t!["id"]!).StartsWith("io.switchboard.random-number.", StringComparison.Ordinal)).ToList();

        inbound.Should().HaveCount(15);
        var webhook = await TemplatesOf("io.camunda:webhook:1");
        webhook.Select(t => (string)t!["id"]!).Should().Equal("io.camunda.webhook.start-event", "io.camunda.webhook.message-start",
            "io.camunda.webhook.intermediate", "io.camunda.webhook.boundary", "io.camunda.webhook.receive-task");
        webhook.Select(t => (string)t!["elementType"]!["value"]!).Should().Equal("bpmn:StartEvent", "bpmn:StartEvent",
            "bpmn:IntermediateCatchEvent", "bpmn:BoundaryEvent", "bpmn:ReceiveTask");
        var results = await TemplateSchema.ValidateAsync(inbound.Select(t => t!));
        results.Values.Should().AllSatisfy(errors => errors.Should().BeEmpty());
    }

    [Fact]
    public async Task The_templates_bind_what_Camundas_own_inbound_templates_bind()
    {
        var official = Path.Combine(await NpmPackage.InstallAsync(OfficialTemplates), "src", "element-templates");
        JsonNode Official(string file) => JsonNode.Parse(File.ReadAllText(Path.Combine(official, file))) is JsonArray list ? list[0]! : JsonNode.Parse(File.ReadAllText(Path.Combine(official, file)))!;

        var ours = await TemplatesOf("io.camunda:webhook:1");
        foreach (var (suffix, file) in new[]
                 {
                     ("start-event", "webhook-connector-start-event.json"), ("message-start", "webhook-connector-start-message.json"),
                     ("intermediate", "webhook-connector-intermediate.json"), ("boundary", "webhook-connector-boundary.json"),
                     ("receive-task", "webhook-connector-receive.json"),
                 })
        {
            var camunda = Official(file);
            var template = ours.Single(t => ((string)t!["id"]!).EndsWith("." + suffix, StringComparison.Ordinal))!;
            template["elementType"]!.ToJsonString().Should().Be(camunda["elementType"]!.ToJsonString(), file);
            // Everything Camunda's template writes for correlation, ours writes the same way.
            var correlation = Bindings(camunda).Where(b => b.EndsWith("/correlationKeyExpression") || b.EndsWith("/messageIdExpression")
                || b.EndsWith("/activationCondition") || b.EndsWith("/resultVariable") || b.EndsWith("/resultExpression")
                || b.EndsWith("/inbound.type") || b.StartsWith("bpmn:Message#"));
            Bindings(template).Should().Contain(correlation, file);
            // And each of our Webhook plugin's properties is one Camunda's template writes.
            var ownProperties = Props(template).Select(p => (string)p["binding"]!["name"]!).Where(n => n.StartsWith("inbound.", StringComparison.Ordinal));
            Bindings(camunda).Select(b => b.Split('/')[1]).Should().Contain(ownProperties, file);
        }

        var polling = (await TemplatesOf("io.camunda:http-polling:1")).Single(t => ((string)t!["id"]!).EndsWith(".intermediate", StringComparison.Ordinal))!;
        var officialPolling = Official("http-polling-connector.json");
        var pollingProperties = Props(polling).Where(p => (string?)p["group"] == "properties").Select(p => "zeebe:property/" + (string)p["binding"]!["name"]!);
        Bindings(officialPolling).Should().Contain(pollingProperties, "every HTTP polling property we read is one Camunda's template writes");
    }
}
