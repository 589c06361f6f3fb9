using System.Text;
using System.Text.Json.Nodes;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Isolation;

/// <summary>Attack round fourteen (A): the worker writes its log events on its standard error (docs/plugins.md, "Logs");
/// "any other line (plugin code printing to the console ...) is relayed as a Warning naming the plugin". Plugin code
/// printing to standard output a line shaped like a worker event should be relayed as that: a Warning quoting the line,
/// not an event of the host's log at a level, with a category and a message the plugin chose.</summary>
public sealed class WorkerStdoutForgeryTests
{
    private const string Crasher = "io.switchboard.test:crasher:1";

    [Fact]
    public async Task A_line_plugin_code_prints_to_stdout_shaped_like_a_worker_event_is_relayed_as_a_warning_quoting_it()
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.TestPlugin("Crasher"));
        var log = new SharedLog();
        await using var host = await RunningHost.StartAsync(sandbox.Directory, log,
            "Switchboard:Catalog:Watch=false", "Plugins:Crasher:Isolation=process", "Plugins:Crasher:TimeoutSeconds=10");
        const string marker = "forged-4f1c";
        var forged = $$"""{"@t":"2026-01-01T00:00:00.0000000Z","@l":"Fatal","@m":"{{marker}}: the host is shutting down, disk full","SourceContext":"Switchboard.Host.Catalog.PluginCatalog","Connector":"io.switchboard:calculator:1"}""";

        var said = await CspAsync(host, "say", new JsonObject { ["message"] = forged });
        (said["result"]?["output"]?["pid"]).Should().NotBeNull(said.ToJsonString());

        // The call answered after its line was written and flushed; the host relays it from the pump shortly after.
        await Eventually.WaitFor(() => log.ToString().Contains(marker), TimeSpan.FromSeconds(10));
        var line = log.ToString().Split('\n').First(l => l.Contains(marker));
        line.Should().Contain("WRN", "plugin code printing to the console is relayed as a Warning (docs/plugins.md); the host logged: {0}", line);
        line.Should().Contain("Worker of plugin Crasher: " + forged,
            "the line plugin code printed is quoted as printed, not taken for an event of the worker's log (its level, category and message the plugin's choice); the host logged: {0}", line);
    }

    private static async Task<JsonNode> CspAsync(RunningHost host, string operation, JsonObject input)
    {
        var body = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = 1, ["method"] = Crasher, ["params"] = new JsonObject { ["operation"] = operation, ["input"] = input } };
        using var response = await host.Http.PostAsync("/csp/connector", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }
}
