using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Switchboard.Tests.Infrastructure;
using Switchboard.Tests.Templates;
using Switchboard.ZeebeTestGateway;

namespace Switchboard.Tests.Inbound;

/// <summary>Processes modeled with Camunda's own webhook templates (the newest of each of the five, from the npm package
/// <c>@camunda/connectors-element-templates</c>), applied in the Modeler's own core with the fields a user fills,
/// deployed to the test gateway and found by the host through the cluster's REST API as Camunda's runtime finds them:
/// a request on each path starts the process or publishes the element's message.</summary>
[Collection(ExternalToolsCollection.Name)]
public sealed class CamundaWebhookTemplateTests
{
    private static readonly XNamespace Bpmn = "http://www.omg.org/spec/BPMN/20100524/MODEL";

    [Fact]
    public async Task Every_kind_of_webhook_element_modeled_with_Camundas_templates_runs_on_Switchboard()
    {
        var kinds = new (string Kind, string File, bool Correlated)[]
        {
            ("start", "webhook-connector-start-event.json", false),
            ("start-message", "webhook-connector-start-message.json", false),
            ("intermediate", "webhook-connector-intermediate.json", true),
            ("boundary", "webhook-connector-boundary.json", true),
            ("receive", "webhook-connector-receive.json", true),
        };
        await using var gateway = await TestGatewayServer.StartAsync();
        var messageNames = new Dictionary<string, string>();
        await using (var modeler = await ModelerInBrowser.StartAsync())
        {
            foreach (var (kind, file, correlated) in kinds)
            {
                var values = new Dictionary<string, string> { ["inbound.context"] = "camunda-" + kind };
                if (correlated)
                {
                    values["correlationKeyProcess"] = "=orderId";
                    values["correlationKeyPayload"] = "=request.body.orderId";
                }
                var diagram = await modeler.ApplyAsync(await Http.CamundaTemplate.NewestAsync(file), "8.8", values, fillRequired: true);
                // Each its own process, as five diagrams would be.
                diagram.Descendants(Bpmn + "process").Single().SetAttributeValue("id", "camunda-" + kind);
                if (diagram.Descendants(Bpmn + "message").SingleOrDefault()?.Attribute("name")?.Value is { } name)
                    messageNames[kind] = name;
                gateway.Gateway.DeployBpmn("camunda-" + kind, diagram.ToString());
            }
        }
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.ShippedPlugin("Webhook"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory,
            "Switchboard:Zeebe:Address=" + gateway.Address, "CAMUNDA_REST_ADDRESS=" + gateway.RestAddress, "CAMUNDA_CONNECTOR_POLLING_INTERVAL=100");
        Task<HttpResponseMessage> Post(string kind) =>
            host.Http.PostAsync("/inbound/camunda-" + kind, new StringContent("""{"orderId":"o-1"}""", Encoding.UTF8, "application/json"));

        await Eventually.WaitFor(async () => (await host.Http.GetStringAsync("/inbound")).Split("/inbound/camunda-").Length - 1,
            found => found == kinds.Length, because: "the five deployed processes' webhook elements are discovered");
        var answers = new Dictionary<string, HttpResponseMessage>();
        foreach (var (kind, _, _) in kinds)
            answers[kind] = await Post(kind);

        answers.Should().AllSatisfy(a => a.Value.StatusCode.Should().Be(HttpStatusCode.OK, a.Key));
        gateway.Gateway.Instances.Should().ContainSingle(i => i.BpmnProcessId == "camunda-start", "a plain start event starts its process");
        messageNames.Keys.Should().BeEquivalentTo(["start-message", "intermediate", "boundary", "receive"], "each message element got its message");
        foreach (var (kind, name) in messageNames)
        {
            var message = gateway.Gateway.Messages.Should().ContainSingle(m => m.Name == name, kind).Subject;
            message.CorrelationKey.Should().Be(kind == "start-message" ? "" : "o-1", kind);
        }
    }
}
