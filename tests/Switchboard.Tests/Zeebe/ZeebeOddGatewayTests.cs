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

    [Fact]
    public async Task A_job_timeout_header_past_any_timer_fails_the_job_naming_the_header()
    {
        await using var server = await TestGatewayServer.StartAsync();
        using var sandbox = new PluginSandbox();
        await using var host = await HostAsync(sandbox, server);

        // TimeSpan.MaxValue: added to the clock it was past any date, and the job was never reported.
        var job = await server.Gateway.FinishedAsync(server.Gateway.CreateJob(Calculator, """{"action":"add","a":1,"b":2}""",
            new() { ["jobTimeout"] = "P10675199DT2H48M5.4775807S" }));

        job.State.Should().Be(JobState.Incident);
        job.Retries.Should().Be(0);
        job.ErrorMessage.Should().Contain("header jobTimeout 'P10675199DT2H48M5.4775807S' is longer than 49.17:02:47");
    }

    // Sent as the job's new timeout, zero (or below a millisecond, rounded down) expired the job at once: it was handed
    // out again while the connector ran, which ran two to four times for one job.
    [Theory]
    [InlineData("PT0S")]
    [InlineData("PT0.0001S")]
    [InlineData("PT0.5S")]
    public async Task A_job_timeout_header_under_a_second_fails_the_job_naming_the_header_without_running_it(string timeout)
    {
        await using var server = await TestGatewayServer.StartAsync();
        using var sandbox = new PluginSandbox();
        await using var host = await HostAsync(sandbox, server);

        var job = await server.Gateway.FinishedAsync(server.Gateway.CreateJob(Calculator, """{"action":"add","a":1,"b":2}""",
            new() { ["jobTimeout"] = timeout }));

        job.State.Should().Be(JobState.Incident, "the job ran, {0} times", job.Activations);
        job.Retries.Should().Be(0);
        job.ErrorMessage.Should().Contain($"header jobTimeout '{timeout}' is shorter than 1 s");
        job.Activations.Should().Be(1);
    }

    [Fact]
    public async Task A_job_with_retries_below_zero_that_fails_is_given_back_with_none_left()
    {
        await using var server = await TestGatewayServer.StartAsync();
        using var sandbox = new PluginSandbox();
        await using var host = await HostAsync(sandbox, server);

        // A retryable failure gives a job one retry less: from int.MinValue that wrapped around to int.MaxValue.
        var job = await server.Gateway.FinishedAsync(server.Gateway.CreateJob("_activate_inbound_connector", """{"name":"no.such:connector:1","correlation_key":"k"}""",
            retries: int.MinValue));

        job.State.Should().Be(JobState.Incident, job.ErrorMessage);
        job.Retries.Should().Be(0);
        job.ErrorMessage.Should().Contain("no loaded plugin serves an inbound connector named 'no.such:connector:1'");
    }
}
