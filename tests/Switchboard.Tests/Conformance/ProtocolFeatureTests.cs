using System.Text.Json.Nodes;
using Switchboard.Testing;
using Switchboard.TestPlugins.Conformance;
using Switchboard.Tests.Infrastructure;
using Switchboard.Tests.Spiff;
using Switchboard.ZeebeTestGateway;

namespace Switchboard.Tests.Conformance;

/// <summary>A protocol's own details of a call reach the connector as features (<c>context.Get&lt;ZeebeJob&gt;()</c>,
/// <c>context.Get&lt;SpiffTask&gt;()</c>), each only on its own protocol.</summary>
public sealed class ProtocolFeatureTests
{
    [Theory]
    [InlineData("inprocess")]
    [InlineData("process")]
    public async Task A_Zeebe_job_sees_its_job_and_no_Spiff_task(string isolation)
    {
        await using var server = await TestGatewayServer.StartAsync();
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.TestPlugin("Conformance"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory,
            "Switchboard:Zeebe:PollInterval=00:00:00.050", "Switchboard:Zeebe:RequestTimeout=00:00:01", "Switchboard:Zeebe:Address=" + server.Address,
            "Switchboard:Catalog:Isolation=" + isolation);

        var key = server.Gateway.CreateJob("test.switchboard:conformance:1", """{"text":"x"}""",
            new() { ["operation"] = "features", ["resultVariable"] = "seen" }, retries: 4);
        var job = await server.Gateway.FinishedAsync(key);

        job.State.Should().Be(JobState.Completed);
        var seen = job.CompletedVariables!["seen"]!;
        seen["protocol"]!.GetValue<string>().Should().Be("Zeebe");
        seen["jobKey"]!.GetValue<long>().Should().Be(key);
        seen["jobRetries"]!.GetValue<int>().Should().Be(4);
        seen["elementId"]!.GetValue<string>().Should().Be("task");
        seen["bpmnProcessId"]!.GetValue<string>().Should().Be("test-process");
        seen["spiffTaskId"].Should().BeNull();
    }

    [Theory]
    [InlineData("inprocess")]
    [InlineData("process")]
    public async Task A_Spiff_call_sees_its_task_and_no_Zeebe_job(string isolation)
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.TestPlugin("Conformance"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory, "Switchboard:Catalog:Isolation=" + isolation);

        var call = await SpiffCall.DoAsync(host.Http, "conformance/Features",
            """{"text":"x","spiff__task_id":"task-7","spiff__task_data":{"order":9}}""");

        var seen = call.Json["command_response"]!["body"]!;
        seen["protocol"]!.GetValue<string>().Should().Be("Spiff", call.Text);
        seen["spiffTaskId"]!.GetValue<string>().Should().Be("task-7");
        seen["spiffTaskData"]!.GetValue<string>().Should().Be("""{"order":9}""");
        seen["jobKey"].Should().BeNull();
    }

    [Fact]
    public async Task A_reserved_Spiff_key_spelled_with_an_escape_is_still_the_backends()
    {
        // The reader skips looking for reserved keys when the body's text cannot hold one: an escape can spell one.
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.TestPlugin("Conformance"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory);

        var call = await SpiffCall.DoAsync(host.Http, "conformance/Features", """{"text":"x","spiff\u005f_task_id":"task-8"}""");

        call.Json["command_response"]!["body"]!["spiffTaskId"]!.GetValue<string>().Should().Be("task-8", call.Text);
    }

    [Fact]
    public async Task The_kit_hands_the_connector_the_features_a_test_gives_it()
    {
        await using var harness = ConnectorHarness.For<ConformanceConnector>();
        harness.Features.Add(new Switchboard.Abstractions.Zeebe.ZeebeJob { Key = 42, Retries = 1, ElementId = "send-mail" });

        var result = await harness.InvokeAsync("""{"text":"x"}""", "features");

        result.Output!["jobKey"]!.GetValue<long>().Should().Be(42);
        result.Output["elementId"]!.GetValue<string>().Should().Be("send-mail");
        result.Output["protocol"]!.GetValue<string>().Should().Be("Zeebe", "a call carrying a Zeebe job is described as the Zeebe adapter describes it");
    }
}
