using System.Text.Json.Nodes;
using Switchboard.Tests.Csp;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Logging;

/// <summary>What a connector logs during a call is one event of the host's log naming its plugin, connector,
/// operation and protocol, whether the plugin runs in the host or in a worker process.</summary>
public sealed class PluginLogPropertiesTests
{
    [Theory]
    [InlineData("inprocess")]
    [InlineData("process")]
    public async Task A_connectors_log_line_names_its_plugin_connector_operation_and_protocol(string isolation)
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.TestPlugin("Conformance"));
        var log = new SharedLog();
        await using (var host = await RunningHost.StartAsync(sandbox.Directory, log,
                         "Switchboard:Log:Level=Information", "Switchboard:Log:Format=json", "Switchboard:Catalog:Isolation=" + isolation))
        {
            var answer = await host.Http.PostAsync(CspCall.Request(1, "test.switchboard:conformance:1", new JsonObject { ["text"] = "structured" }, "echo"));
            answer.Error.Should().BeNull(answer.Text);
            await Eventually.WaitFor(() => Task.FromResult(log.ToString().Contains("conformance echo with token")), seen => seen, because: "the line is written");
        }

        var line = log.ToString().Split('\n').Where(l => l.Contains("conformance echo with token")).Select(l => JsonNode.Parse(l)!).Single();
        line["@l"]!.GetValue<string>().Should().Be("Warning", line.ToJsonString());
        line["Connector"]!.GetValue<string>().Should().Be("test.switchboard:conformance:1", line.ToJsonString());
        line["Operation"]!.GetValue<string>().Should().Be("echo");
        line["Protocol"]!.GetValue<string>().Should().Be("Csp");
        line["Plugin"]!.GetValue<string>().Should().Be("Conformance");
    }
}
