using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Host.Protocols.Zeebe;
using Switchboard.Tests.Infrastructure;
using Switchboard.ZeebeTestGateway;

namespace Switchboard.Tests.Zeebe;

/// <summary>A job the host itself fails on, by a defect of ours rather than the connector's.</summary>
public sealed class ZeebeHostFailureTests
{
    [Fact]
    public async Task A_job_the_host_fails_on_is_failed_with_one_retry_less_and_logged_as_an_error()
    {
        await using var server = await TestGatewayServer.StartAsync();
        using var sandbox = new PluginSandbox();
        var log = new SharedLog();
        await using var host = await RunningHost.StartAsync(sandbox.Directory, log, switchboard =>
            {
                switchboard.AddZeebe();
                switchboard.Services.AddSingleton<IHostJob>(new Broken());
            },
            "Switchboard:Zeebe:Address=" + server.Address);

        // It was logged and left unreported: handed out again at each job timeout, failing the same way, no incident.
        var job = await server.Gateway.FinishedAsync(server.Gateway.CreateJob(Broken.JobType, "{}", retries: 3));

        job.State.Should().Be(JobState.Failed);
        job.Retries.Should().Be(2);
        job.ErrorMessage.Should().Be("the host failed handling the job (InvalidOperationException); its log has the details");
        log.ToString().Split('\n').Should().Contain(l => l.Contains(" ERR ") && l.Contains("failed inside the host")
            && l.Contains("(System.InvalidOperationException: a defect of the host\\n   at "));
    }

    private sealed class Broken : IHostJob
    {
        public const string JobType = "test.switchboard:broken:1";

        public string Type => JobType;

        public Task<HostJobResult> RunAsync(JsonObject variables, IReadOnlySet<string> secrets, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("a defect of the host");
    }
}
