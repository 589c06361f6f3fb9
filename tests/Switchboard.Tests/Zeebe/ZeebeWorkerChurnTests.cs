using Microsoft.Extensions.DependencyInjection;
using Switchboard.Host.Catalog;
using Switchboard.Host.Protocols.Zeebe;
using Switchboard.Tests.Infrastructure;
using Switchboard.ZeebeTestGateway;

namespace Switchboard.Tests.Zeebe;

/// <summary>The Zeebe workers follow the catalog when a reload changes what a plugin declares, and when plugins are
/// removed and added while another removed connector's job still drains (attack round twelve).</summary>
public sealed class ZeebeWorkerChurnTests
{
    private const string Reshape = "test.switchboard:reshape:1";
    private const string Calculator = "io.switchboard:calculator:1";

    private static readonly string[] FastPolling =
    [
        "Switchboard:Zeebe:PollInterval=00:00:00.050",
        "Switchboard:Zeebe:RequestTimeout=00:00:01",
        "Switchboard:Zeebe:WorkerName=attack12-worker",
    ];

    /// <summary>True when <paramref name="done"/> holds within <paramref name="timeout"/>; never throws for the wait.</summary>
    private static async Task<bool> Within(Func<bool> done, TimeSpan timeout)
    {
        try
        {
            await Eventually.WaitFor(done, timeout);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    [Fact]
    public async Task A_reload_that_adds_an_input_field_has_zeebe_jobs_deliver_that_field_to_the_connector()
    {
        await using var server = await TestGatewayServer.StartAsync();
        using var sandbox = new PluginSandbox();
        var folder = sandbox.Add(Repository.TestPlugin("Reshape.V1"), "Reshape");
        await using var host = await RunningHost.StartAsync(sandbox.Directory, [.. FastPolling, "Switchboard:Zeebe:Address=" + server.Address]);

        var first = await server.Gateway.FinishedAsync(server.Gateway.CreateJob(Reshape, """{"name":"Ada","title":"Dr"}""",
            new() { ["resultVariable"] = "greeting" }));
        first.CompletedVariables!["greeting"]!["variant"]!.GetValue<string>().Should().Be("v1");

        var streamsBefore = server.Gateway.StreamAttempts(Reshape);
        PluginSandbox.Copy(Repository.TestPlugin("Reshape.V2"), folder);
        await Eventually.WaitFor(() => host.Catalog.Find(Reshape)?.Operations.Any(o => o.Input.Any(p => p.Id == "title")) == true,
            because: "generation 2, which declares 'title', is loaded");
        // A job pushed to the old worker's stream in the moment it closes waits for its Zeebe job timeout, as with any
        // worker that closes its stream; the job below comes once the worker has followed the reload.
        var workers = host.Services.GetRequiredService<ZeebeWorkers>();
        await Eventually.WaitFor(() => workers.Workers.Where(w => w.Type == Reshape).Select(w => w.FetchVariables.Contains("title")).SequenceEqual([true])
                && server.Gateway.StreamAttempts(Reshape) > streamsBefore && server.Gateway.OpenStreams(Reshape) == 1,
            because: "the Zeebe worker follows the reload (before the fix, its fetched variables stayed those of generation 1), and the " +
                "gateway has the new worker's stream and no longer the old one (one open stream alone was, two times in six, the old one " +
                "not yet closed, which the job was then pushed to)");

        var second = await server.Gateway.FinishedAsync(server.Gateway.CreateJob(Reshape, """{"name":"Ada","title":"Dr"}""",
            new() { ["resultVariable"] = "greeting" }));
        second.State.Should().Be(JobState.Completed, second.ErrorMessage);
        second.CompletedVariables!["greeting"]!["variant"]!.GetValue<string>().Should().Be("v2", "the job runs on the reloaded generation");
        (second.CompletedVariables!["greeting"]!["title"]?.GetValue<string>()).Should().Be("Dr",
            "the reloaded connector declares the input 'title' and the job carries it, yet the Zeebe worker still fetches only the variables " +
            "generation 1 declared, so the new field silently arrives empty on every Zeebe job until the host restarts (CSP and Spiff get it)");
    }

    // A removed connector's job that runs this long is drained for as long as the test needs.
    private static readonly string[] LongDrain = ["Switchboard:Zeebe:DrainTimeout=00:02:00", "shutdownTimeoutSeconds=5"];

    [Fact]
    public async Task A_connector_added_while_a_removed_connectors_job_still_runs_gets_its_zeebe_worker_at_once()
    {
        await using var held = await RemovedProbeWithHeldJob.StartAsync(_ => { }, LongDrain);
        var (server, host) = (held.Server, held.Host);

        held.Sandbox.Add(Repository.ShippedPlugin("Calculator"));
        await Eventually.WaitFor(() => host.Catalog.Find(Calculator) is not null, because: "the Calculator plugin loads");
        var sum = server.Gateway.CreateJob(Calculator, """{"action":"add","a":1,"b":2}""", new() { ["resultVariable"] = "sum" });

        var completed = await Within(() => server.Gateway.Job(sum).State == JobState.Completed, TimeSpan.FromSeconds(15));
        completed.Should().BeTrue("the Calculator plugin is loaded and serves CSP and Spiff at once, but its Zeebe jobs are not worked " +
            "(job is " + server.Gateway.Job(sum).State + ", calculator streams open: " + server.Gateway.OpenStreams(Calculator) +
            ") for as long as a job of an unrelated, removed connector is still running: up to Switchboard:Zeebe:DrainTimeout (20 s by default, " +
            "2 min here, as set for long jobs)");
    }

    [Fact]
    public async Task A_removed_connectors_zeebe_stream_closes_while_another_removed_connectors_job_still_runs()
    {
        string calculatorFolder = null!;
        await using var held = await RemovedProbeWithHeldJob.StartAsync(sandbox => calculatorFolder = sandbox.Add(Repository.ShippedPlugin("Calculator")), LongDrain);
        var (server, host) = (held.Server, held.Host);
        await Eventually.WaitFor(() => server.Gateway.OpenStreams(Calculator) > 0, because: "the calculator worker opens its stream");

        Directory.Delete(calculatorFolder, recursive: true);
        await Eventually.WaitFor(() => host.Catalog.Find(Calculator) is null, because: "the Calculator plugin is removed");

        var orphan = server.Gateway.CreateJob(Calculator, """{"action":"add","a":1,"b":2}""", new() { ["resultVariable"] = "sum" });
        var closed = await Within(() => server.Gateway.OpenStreams(Calculator) == 0, TimeSpan.FromSeconds(15));
        var job = server.Gateway.Job(orphan);
        closed.Should().BeTrue("the Calculator plugin is removed, yet the host keeps its job stream and polls open for " + Calculator +
            " for as long as the removed probe's job still runs (up to Switchboard:Zeebe:DrainTimeout), and takes that type's jobs only to fail them, " +
            "spending a retry each time (the job created after the removal is " + job.State + " after " + job.Activations + " activation(s), retries " +
            job.Retries + ": " + job.ErrorMessage + ")");
    }

    [Fact]
    public async Task A_removed_plugin_unloads_while_another_removed_plugins_zeebe_job_still_runs()
    {
        string calculatorFolder = null!;
        await using var held = await RemovedProbeWithHeldJob.StartAsync(sandbox => calculatorFolder = sandbox.Add(Repository.ShippedPlugin("Calculator")), LongDrain);
        var (server, host) = (held.Server, held.Host);
        (await server.Gateway.FinishedAsync(server.Gateway.CreateJob(Calculator, """{"action":"add","a":1,"b":2}"""))).State
            .Should().Be(JobState.Completed);

        Directory.Delete(calculatorFolder, recursive: true);
        var calculator = await Eventually.WaitFor(() => Task.FromResult(host.Catalog.Plugins.FirstOrDefault(p => p.Name == "Calculator")),
            // Gone from the list once unloaded (a generation is marked unloaded a moment before its slot is unlisted).
            p => p is null || p.PreviousGenerations.Any(g => g.State == PluginState.Leaked),
            TimeSpan.FromSeconds(30), because: "the removed Calculator's generation settles");

        (calculator is null ? "unloaded" : string.Join(", ", calculator.PreviousGenerations.Select(g => $"generation {g.Generation} {g.State}: {g.Reason}")))
            .Should().Be("unloaded", "the Calculator plugin was removed and runs no call (it unloads when nothing else is going on), but while an " +
                "unrelated removed plugin's Zeebe job still runs, its still-open Zeebe worker keeps the old generation in memory and " +
                "/plugins reports it leaked");
    }

    [Fact]
    public async Task The_status_pages_answer_while_a_redeployed_connectors_worker_opens_beside_its_old_one_still_draining()
    {
        await using var held = await RemovedProbeWithHeldJob.StartAsync(_ => { }, LongDrain);
        var host = held.Host;
        var workers = host.Services.GetRequiredService<ZeebeWorkers>();

        held.Sandbox.Add(Repository.TestPlugin("ReloadProbe.V1"), "ReloadProbe");
        await Eventually.WaitFor(() => workers.Workers.Count(w => w.Type == RemovedProbeWithHeldJob.Probe) == 2,
            because: "the redeployed probe gets a worker while the removed one still drains its job");

        var plugins = await host.Http.GetAsync("/plugins");
        plugins.StatusCode.Should().Be(System.Net.HttpStatusCode.OK, "/plugins lists every plugin whatever its workers do");
        var probe = System.Text.Json.Nodes.JsonNode.Parse(await plugins.Content.ReadAsStringAsync())!.AsArray()
            .Single(p => p!["name"]!.GetValue<string>() == "ReloadProbe")!["connectors"]![0]!["zeebe"]!;
        probe["worker"]!.GetValue<string>().Should().Be("polling");
        probe["activeJobs"]!.GetValue<int>().Should().Be(0, "the connector's own worker is the new one; the held job is the removed generation's");

        var state = await host.DashboardGetAsync("/ui/api/state");
        state.StatusCode.Should().Be(System.Net.HttpStatusCode.OK, "the dashboard's state is built from the same list");

        var health = System.Text.Json.Nodes.JsonNode.Parse(await host.Http.GetStringAsync("/health"))!["zeebe"]!["workers"]!.AsArray()
            .Where(w => w!["jobType"]!.GetValue<string>() == RemovedProbeWithHeldJob.Probe)
            .Select(w => $"{w!["state"]!.GetValue<string>()} {w["activeJobs"]!.GetValue<int>()}");
        health.Should().BeEquivalentTo(["polling 0", "closing 1"], "/health tells the worker that only finishes its job from the one that takes jobs");
    }
}
