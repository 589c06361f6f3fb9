using System.Text.Json.Nodes;
using Switchboard.Tests.Infrastructure;
using Switchboard.Tests.Zeebe;

namespace Switchboard.Tests.Telemetry;

/// <summary>Attack round fourteen (A): <c>switchboard.zeebe.workers</c> counts workers by state, <c>polling</c> being
/// "activating works" (README, host/Server/Telemetry/ZeebeWorkerState.cs). A worker whose connector was removed and which
/// only drains its running job takes no jobs: /health lists it as <c>closing</c>, and the metric should not count it as
/// polling. Alone (the telemetry collection): the meter is the process's.</summary>
[Collection(TelemetryCollection.Name)]
public sealed class ZeebeWorkerMetricStateTests
{
    [Fact]
    public async Task A_worker_draining_a_removed_connectors_job_is_not_counted_as_polling()
    {
        await using var held = await RemovedProbeWithHeldJob.StartAsync(_ => { }, "Switchboard:Zeebe:DrainTimeout=00:02:00", "shutdownTimeoutSeconds=5");
        var host = held.Host;

        await Eventually.WaitFor(async () => Workers(JsonNode.Parse(await host.Http.GetStringAsync("/health"))!),
            w => w == "closing 1", TimeSpan.FromSeconds(30), "/health lists the removed probe's worker as closing with its held job");

        string scrape = "";
        double polling = -1;
        try
        {
            await Eventually.WaitFor(async () =>
            {
                scrape = await host.Http.GetStringAsync("/metrics");
                polling = Value(scrape, RemovedProbeWithHeldJob.Probe, "polling");
                return polling;
            }, p => p == 0, TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
        }
        var series = string.Join("\n", scrape.Split('\n').Where(l => l.StartsWith("switchboard_zeebe_workers", StringComparison.Ordinal)));
        polling.Should().Be(0, "the probe's connector is removed and its only worker is closing (/health: {0}); the exported series:\n{1}",
            Workers(JsonNode.Parse(await host.Http.GetStringAsync("/health"))!), series);
    }

    private static string Workers(JsonNode health) => string.Join(", ", (health["zeebe"]?["workers"]?.AsArray() ?? [])
        .Where(w => w!["jobType"]!.GetValue<string>() == RemovedProbeWithHeldJob.Probe)
        .Select(w => $"{w!["state"]!.GetValue<string>()} {w["activeJobs"]!.GetValue<int>()}"));

    // The value of switchboard_zeebe_workers for the connector and state; 0 when no such series is exported.
    private static double Value(string scrape, string connector, string state) =>
        scrape.Split('\n').Where(l => l.StartsWith("switchboard_zeebe_workers{", StringComparison.Ordinal)
                && l.Contains($"connector=\"{connector}\"") && l.Contains($"state=\"{state}\""))
            .Select(l => double.Parse(l[(l.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture))
            .Sum();
}
