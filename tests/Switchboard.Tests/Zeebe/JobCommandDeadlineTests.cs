using Switchboard.Tests.Infrastructure;
using Switchboard.ZeebeTestGateway;

namespace Switchboard.Tests.Zeebe;

/// <summary>Job commands against a gateway that never answers them: each attempt has a deadline, and the job's slot is
/// given back once the job's own deadline has passed.</summary>
public sealed class JobCommandDeadlineTests
{
    private const string Calculator = "io.switchboard:calculator:1";

    [Fact]
    public async Task A_completion_the_gateway_never_answers_is_given_up_at_the_jobs_deadline_with_a_warning_and_frees_the_slot()
    {
        await using var server = await TestGatewayServer.StartAsync();
        server.Gateway.HangCompletions = true;
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.ShippedPlugin("Calculator"));
        var log = new SharedLog();
        // One slot, a 1 s command deadline and a 3 s job timeout: the hung completion must end within seconds.
        await using var host = await RunningHost.StartAsync(sandbox.Directory, log, "Switchboard:Zeebe:Address=" + server.Address,
            "Switchboard:Zeebe:MaxJobsActive=1", "Switchboard:Zeebe:CommandTimeout=00:00:01", "Switchboard:Zeebe:JobTimeout=00:00:03",
            "Switchboard:Zeebe:PollInterval=00:00:00.050");

        var hung = server.Gateway.CreateJob(Calculator, """{"action":"add","a":1,"b":1}""");
        await Eventually.WaitFor(() => log.ToString().Contains($"CompleteJob for job {hung} of {Calculator}"), because: "the host gives the completion up and says so");

        server.Gateway.HangCompletions = false;

        log.ToString().Should().Contain("job's deadline").And.Contain("DeadlineExceeded");
        server.Gateway.HungCompletions.Should().BeGreaterThanOrEqualTo(2, "each attempt ends at its deadline and is tried again while the job is ours");
        // With its one slot given back the worker polls again: it gets the job back (its timeout passed) and a new one.
        (await server.Gateway.FinishedAsync(hung)).State.Should().Be(JobState.Completed, "Zeebe handed the job out again after its timeout");
        var next = await server.Gateway.FinishedAsync(server.Gateway.CreateJob(Calculator, """{"action":"add","a":2,"b":2}"""));
        next.State.Should().Be(JobState.Completed);
        server.Gateway.Job(hung).Completions.Should().Be(1);
    }
}
