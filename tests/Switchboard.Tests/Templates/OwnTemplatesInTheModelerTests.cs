using System.Text.Json.Nodes;
using Switchboard.Tests.Http;
using Switchboard.Tests.Infrastructure;
using Switchboard.ZeebeTestGateway;

namespace Switchboard.Tests.Templates;

/// <summary>Our own templates end to end: applied to a task in the Modeler's own core with the fields a user fills, the
/// exported task's job runs on the host that generated the template, so what the template binds is what the connector
/// reads.</summary>
[Collection(ExternalToolsCollection.Name)]
public sealed class OwnTemplatesInTheModelerTests
{
    [Fact]
    public async Task A_task_modeled_with_each_shipped_outbound_template_runs_on_the_host_that_generated_it()
    {
        await using var upstream = await Upstream.StartAsync();
        await using var gateway = await TestGatewayServer.StartAsync();
        using var sandbox = new PluginSandbox();
        foreach (var plugin in new[] { "Calculator", "Http", "Log" })
            sandbox.Add(Repository.ShippedPlugin(plugin));
        await using var host = await RunningHost.StartAsync(sandbox.Directory,
            "Switchboard:Zeebe:Address=" + gateway.Address, "Switchboard:Zeebe:PollInterval=00:00:00.050");
        // What a user fills beyond the required fields the Modeler's own rule fills (first choice, 1, "x").
        var typed = new Dictionary<string, Dictionary<string, string>>
        {
            ["io.switchboard:calculator:1"] = new() { ["resultVariable"] = "r" },
            ["io.switchboard:http:1"] = new() { ["url"] = upstream.Url("json"), ["resultVariable"] = "r" },
            ["io.switchboard:log:1"] = new() { ["resultVariable"] = "r" },
        };

        var failures = new List<string>();
        await using (var modeler = await ModelerInBrowser.StartAsync())
        {
            foreach (var (type, values) in typed)
            {
                var template = JsonNode.Parse(await host.Http.GetStringAsync("/element-templates/" + type))!.AsObject();
                var job = ExportedJob.Of(await modeler.ApplyAsync(template, "8.8", values, fillRequired: true));
                job.Type.Should().Be(type);
                var key = gateway.Gateway.CreateJob(job.Type, job.Variables.ToJsonString(), job.Headers);
                var done = await gateway.Gateway.FinishedAsync(key, TimeSpan.FromSeconds(30));
                if (done.State != JobState.Completed || done.CompletedVariables?["r"] is null)
                    failures.Add($"{type}: {done.State} {done.ErrorMessage} with {job.Variables.ToJsonString()} and headers {string.Join(", ", job.Headers)}");
            }
        }

        failures.Should().BeEmpty();
    }
}
