using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Switchboard.Tests.Csp;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Hosting;

/// <summary>A caller that goes away while plugin code runs. The call's token is then cancelled from the caller's side
/// (Kestrel's request abort, which the host relays to a worker process as a cancel message), and that runs the plugin's
/// cancellation callbacks there rather than on a deadline's timer. What they do (throw, block) stays theirs: the
/// connector answers its next call, in the host's process as in a worker of its own.</summary>
public sealed class CallerAbortAttackTests
{
    private const string Hostile = "test.switchboard:hostile:1";

    [Theory]
    [InlineData("inprocess", "throwOnCallerCancel")]
    [InlineData("process", "throwOnCallerCancel")]
    [InlineData("inprocess", "blockOnCancel")]
    [InlineData("process", "blockOnCancel")]
    public async Task A_connector_whose_cancellation_callback_throws_or_blocks_when_its_caller_goes_away_answers_its_next_call(string isolation, string operation)
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.TestPlugin("Hostile"));
        // The call's marker files and its release go to a folder of their own: a file written into the plugin's folder reloads it.
        var folder = Directory.CreateTempSubdirectory("switchboard-caller-abort-").FullName;
        var release = Path.Combine(folder, "release");
        await using var host = await RunningHost.StartAsync(sandbox.Directory, "Switchboard:Catalog:Watch=false", "Plugins:Hostile:Isolation=" + isolation);
        try
        {
            var worker = await host.WorkerProcessIdAsync("Hostile");
            using (var caller = new CancellationTokenSource())
            {
                using var body = new StringContent(CspCall.Request(1, Hostile, new JsonObject { ["note"] = release }, operation).ToJsonString(),
                    Encoding.UTF8, "application/json");
                var call = host.Http.PostAsync("/csp/connector", body, caller.Token);
                await Eventually.WaitFor(() => File.Exists(Path.Combine(folder, "cancel-hook-started")), TimeSpan.FromSeconds(60), "the call runs");
                await caller.CancelAsync();
                await FluentActions.Awaiting(() => call).Should().ThrowAsync<OperationCanceledException>();
            }
            await Eventually.WaitFor(() => File.Exists(Path.Combine(folder, "cancel-hook-running")), TimeSpan.FromSeconds(30),
                "the caller's going away cancels the call's token");

            var next = await host.Http.PostAsync(CspCall.Request(2, Hostile, new JsonObject(), "ping"));

            ((string?)next.Result?["output"]?["result"]).Should().Be("pong", next.ToString());
            (await host.WorkerProcessIdAsync("Hostile")).Should().Be(worker, "the connector's worker process goes on serving (0: in the host's process)");
        }
        finally
        {
            File.WriteAllText(release, "");
        }
    }
}
