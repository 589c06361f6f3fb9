using System.Text;
using System.Text.Json.Nodes;
using Switchboard.Tests.Infrastructure;
using Switchboard.ZeebeTestGateway;

namespace Switchboard.Tests.Http;

/// <summary>Camunda's REST connector in a worker process of its own (<c>Plugins:Http:Isolation=process</c>): a response
/// stored as a document crosses to the host, which stores it with the job's store, as in-process.</summary>
public sealed class CamundaRestIsolationTests
{
    [Fact]
    public async Task A_response_stored_as_a_document_from_a_worker_process_reaches_the_document_store()
    {
        await using var upstream = await Upstream.StartAsync();
        await using var gateway = await TestGatewayServer.StartAsync();
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.ShippedPlugin("Http"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory, "Plugins:Http:Isolation=process",
            "Switchboard:Zeebe:Address=" + gateway.Address, "Switchboard:Zeebe:PollInterval=00:00:00.050", "Switchboard:Zeebe:RestAddress=" + gateway.RestAddress);

        var stored = gateway.Gateway.CreateJob("io.camunda:http-json:1",
            new JsonObject { ["method"] = "GET", ["url"] = upstream.Url("text"), ["documentReturnFormat"] = new JsonObject { ["choice"] = "DOCUMENT" } }.ToJsonString(),
            new Dictionary<string, string> { ["resultVariable"] = "r" });
        var job = await gateway.Gateway.FinishedAsync(stored, TimeSpan.FromSeconds(60));
        gateway.Gateway.RefusedDocuments = 1;
        var refusedKey = gateway.Gateway.CreateJob("io.camunda:http-json:1",
            new JsonObject { ["method"] = "GET", ["url"] = upstream.Url("text"), ["storeResponse"] = true }.ToJsonString());
        var refused = await gateway.Gateway.FinishedAsync(refusedKey, TimeSpan.FromSeconds(60));

        job.State.Should().Be(JobState.Completed, job.ErrorMessage);
        var document = gateway.Gateway.Documents.Single(d => d.DocumentId == job.CompletedVariables!["r"]!["document"]!["documentId"]!.GetValue<string>());
        Encoding.UTF8.GetString(document.Content).Should().Be("plain hello");
        document.Metadata["processDefinitionId"]!.GetValue<string>().Should().Be("test-process", "the host's store knows the job the worker's call serves");
        refused.State.Should().Be(JobState.Failed);
        refused.ErrorMessage.Should().Contain("could not be stored as a document").And.Contain("503");
    }
}
