using Microsoft.Extensions.DependencyInjection;
using Switchboard.Host.Protocols.Zeebe;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Zeebe;

/// <summary>Attack round fourteen (A): <c>MaxJobsActive</c> is "jobs one connector type may hold at once" (README,
/// docs/zeebe.md). A redeployed connector's new worker opens beside its old one still draining a job, each with room for
/// <c>MaxJobsActive</c> jobs of the same type, so the type holds more than the setting allows until the drain ends.</summary>
public sealed class ZeebeMaxJobsActiveDrainTests
{
    [Fact]
    public async Task A_connector_type_holds_no_more_than_MaxJobsActive_jobs_while_its_redeployed_workers_old_one_drains()
    {
        await using var held = await RemovedProbeWithHeldJob.StartAsync(_ => { },
            "Switchboard:Zeebe:DrainTimeout=00:02:00", "shutdownTimeoutSeconds=5", "Switchboard:Zeebe:MaxJobsActive=1");
        var (server, host) = (held.Server, held.Host);
        var workers = host.Services.GetRequiredService<ZeebeWorkers>();
        var release = Path.Combine(held.Sandbox.Directory, ".release-second-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            // The probe is deployed again while its removed generation's job (held until the test ends) still runs.
            held.Sandbox.Add(Repository.TestPlugin("ReloadProbe.V1"), "ReloadProbe");
            await Eventually.WaitFor(() => workers.Workers.Count(w => w.Type == RemovedProbeWithHeldJob.Probe) == 2,
                because: "the redeployed probe gets a worker while the removed one still drains its job");

            var second = server.Gateway.CreateJob(RemovedProbeWithHeldJob.Probe,
                $$"""{"releaseFile":{{System.Text.Json.JsonSerializer.Serialize(release)}}}""", new() { ["operation"] = "wait" });
            // With room for one job of the type, and one held, the second waits; a fixed host never activates it while the
            // first is held, so this wait ends at its bound there and at the activation here.
            await Eventually.WaitFor(() => workers.Workers.Sum(w => w.Type == RemovedProbeWithHeldJob.Probe ? w.Active : 0) > 1,
                TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);

            var active = workers.Workers.Where(w => w.Type == RemovedProbeWithHeldJob.Probe).Select(w => w.Active).ToList();
            active.Sum().Should().BeLessThanOrEqualTo(1,
                "MaxJobsActive=1 is the most jobs one connector type may hold at once; its workers hold [{0}] (the second job was activated {1} time(s))",
                string.Join(", ", active), server.Gateway.Job(second).Activations);
        }
        finally
        {
            File.WriteAllText(release, "go");
        }
    }
}
