using Switchboard.Tests.Infrastructure;
using Switchboard.ZeebeTestGateway;

namespace Switchboard.Tests.Logging;

/// <summary>A job that succeeds is logged as CSP and Spiff log a call that succeeds: at debug, so the default level
/// (information) does not write a line for every job a busy worker completes; failures stay warnings.</summary>
public sealed class ZeebeJobLogLevelTests
{
    [Theory]
    [InlineData("Information", false)]
    [InlineData("Debug", true)]
    public async Task A_completed_job_is_logged_at_debug_and_a_failed_one_as_a_warning(string level, bool completionShown)
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.ShippedPlugin("Calculator"));
        await using var gateway = await TestGatewayServer.StartAsync();
        long completed = 0, failed = 0;
        var lines = await RunningHost.LogOfAsync(sandbox.Directory, async _ =>
        {
            completed = gateway.Gateway.CreateJob("io.switchboard:calculator:1", """{"action":"add","a":1,"b":2}""");
            failed = gateway.Gateway.CreateJob("io.switchboard:calculator:1", """{"action":"add","a":"one","b":2}""", retries: 1);
            (await gateway.Gateway.FinishedAsync(completed)).State.Should().Be(JobState.Completed);
            (await gateway.Gateway.FinishedAsync(failed)).State.Should().NotBe(JobState.Completed);
        }, "Switchboard:Log:Level=" + level, "Switchboard:Zeebe:Address=" + gateway.Address);

        var completion = lines.Where(l => l.Contains($"Job {completed} ") && l.Contains(" completed")).ToList();
        if (completionShown)
            completion.Should().ContainSingle().Which.Should().Contain(" DBG ", "a success is no news at the default level");
        else
            completion.Should().BeEmpty("at the default level a busy worker would otherwise write a line for every job it completes");
        lines.Should().ContainSingle(l => l.Contains($"Job {failed} ") && l.Contains(" failed"))
            .Which.Should().Contain(" WRN ", "a failed job is for the operator to see");
    }
}
