using Grpc.Core;
using Switchboard.Tests.Infrastructure;
using Switchboard.ZeebeTestGateway;

namespace Switchboard.Tests.Zeebe;

/// <summary>Jobs from gateways that answer what a well-behaved current one would not: every job is still run or failed
/// with a reason, never dropped.</summary>
public sealed class ZeebeOddGatewayTests
{
    private const string Calculator = "io.switchboard:calculator:1";

    private static async Task<RunningHost> HostAsync(PluginSandbox sandbox, TestGatewayServer server)
    {
        sandbox.Add(Repository.ShippedPlugin("Calculator"));
        return await RunningHost.StartAsync(sandbox.Directory, "Switchboard:Zeebe:Address=" + server.Address,
            "Switchboard:Zeebe:PollInterval=00:00:00.050", "Switchboard:Zeebe:RequestTimeout=00:00:01");
    }

    [Theory]
    [InlineData(long.MaxValue)]
    [InlineData(long.MinValue)]
    public async Task A_job_whose_deadline_is_past_any_date_is_run_and_completed(long deadline)
    {
        await using var server = await TestGatewayServer.StartAsync();
        server.Gateway.SentDeadline = deadline;
        using var sandbox = new PluginSandbox();
        await using var host = await HostAsync(sandbox, server);

        var job = await server.Gateway.FinishedAsync(server.Gateway.CreateJob(Calculator, """{"action":"add","a":1,"b":2}""",
            new() { ["resultVariable"] = "r" }));

        job.State.Should().Be(JobState.Completed);
        job.CompletedVariables!["r"]!["result"]!.GetValue<double>().Should().Be(3);
    }

    [Fact]
    public async Task A_gateway_that_refuses_UpdateJobTimeout_gets_the_job_failed_with_the_reason_instead_of_it_lost()
    {
        await using var server = await TestGatewayServer.StartAsync();
        server.Gateway.UpdateJobTimeoutAnswer = new Status(StatusCode.Unimplemented, "Method not found: gateway_protocol.Gateway/UpdateJobTimeout");
        using var sandbox = new PluginSandbox();
        await using var host = await HostAsync(sandbox, server);

        var job = await server.Gateway.FinishedAsync(server.Gateway.CreateJob(Calculator, """{"action":"add","a":1,"b":2}""",
            new() { ["jobTimeout"] = "PT10M" }));

        job.State.Should().Be(JobState.Incident, "the connector did not run with the timeout the process asked for");
        job.ErrorMessage.Should().Contain("UpdateJobTimeout").And.Contain("Unimplemented").And.Contain("jobTimeout");
        job.FailVariables!["error"]!["code"]!.GetValue<string>().Should().Be("JobTimeoutRefused");
    }
}
