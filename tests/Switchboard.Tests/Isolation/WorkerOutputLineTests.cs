using System.Text;
using System.Text.Json.Nodes;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Isolation;

/// <summary>A worker's standard output and error are read line by line, and a line that is a JSON object is taken for an
/// event of the worker's log. Plugin code prints whatever it likes there: a JSON line that is no such event must not stop
/// the host reading, or the worker blocks at its next writes once the pipe is full, and its calls time out.</summary>
public sealed class WorkerOutputLineTests
{
    private const string Crasher = "io.switchboard.test:crasher:1";

    [Theory]
    [InlineData("""{"@l":1}""", true)]               // a level that is not a string
    [InlineData("""{"@m":{"text":"x"}}""", true)]    // a message that is not a string
    [InlineData("""{"a":1,"a":2}""", true)]          // a key given twice
    [InlineData("""{"@m":"\ud83d"}""", true)]        // an escaped lone surrogate
    [InlineData("""{"@m":"ordinary"}""", false)]     // an event line, relayed as an event
    public async Task A_JSON_line_a_plugin_prints_is_relayed_and_the_host_keeps_reading_its_workers_output(string line, bool relayedAsLine)
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.TestPlugin("Crasher"));
        var log = new SharedLog();
        await using var host = await RunningHost.StartAsync(sandbox.Directory, log,
            "Switchboard:Catalog:Watch=false", "Plugins:Crasher:Isolation=process", "Plugins:Crasher:TimeoutSeconds=10");

        var said = await CspAsync(host, "say", new JsonObject { ["message"] = line });
        (said["result"]?["output"]?["pid"]).Should().NotBeNull(said.ToJsonString());

        // One MiB on standard output: more than a pipe holds, so the worker's write returns only while the host reads.
        var printed = await CspAsync(host, "print", new JsonObject { ["mb"] = 1 });

        (printed["result"]?["output"]?["pid"]).Should().NotBeNull("the host keeps reading after a line it cannot relay as an event; got " + printed.ToJsonString());
        if (relayedAsLine)
            log.ToString().Should().Contain("Worker of plugin Crasher: " + line);
    }

    private static async Task<JsonNode> CspAsync(RunningHost host, string operation, JsonObject input)
    {
        var body = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = 1, ["method"] = Crasher, ["params"] = new JsonObject { ["operation"] = operation, ["input"] = input } };
        using var response = await host.Http.PostAsync("/csp/connector", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }
}
