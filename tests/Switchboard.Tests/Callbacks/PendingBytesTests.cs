using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Switchboard.Tests.Csp;
using Switchboard.Tests.Infrastructure;
using Switchboard.Tests.Spiff;

namespace Switchboard.Tests.Callbacks;

/// <summary>Asynchronous calls keep their request until they are called back: what they hold together is bounded in
/// bytes, not only in calls, so large requests queued behind a slow connector cannot grow the host without end.</summary>
public sealed class PendingBytesTests : IDisposable
{
    // Accepts connections (its backlog does) and never answers: callbacks of calls still running at the end wait here.
    private readonly TcpListener _silent = new(IPAddress.Loopback, 0);

    public PendingBytesTests() => _silent.Start();

    private string SilentUrl => $"http://127.0.0.1:{((IPEndPoint)_silent.LocalEndpoint).Port}/callback";

    public void Dispose() => _silent.Dispose();

    // JSON text with `padding` spaces inside its outermost object, so the request is that much larger and means the same.
    private static string Padded(string json, int padding) => "{" + new string(' ', padding) + json[1..];

    [Fact]
    public async Task A_CSP_call_whose_request_would_take_the_pending_calls_past_MaxPendingBytes_is_refused_as_busy_and_smaller_ones_still_accepted()
    {
        using var sandbox = new PluginSandbox();
        CspHostFixture.AddPlugins(sandbox);
        await using var host = await RunningHost.StartAsync(sandbox.Directory,
            [.. CspHostFixture.Settings, "Plugins:ReloadProbe:TimeoutSeconds=60", "Switchboard:Csp:Callback:MaxConcurrentCalls=1",
                "Switchboard:Csp:Callback:MaxPendingBytes=5000", "Switchboard:Csp:Callback:DrainTimeout=00:00:00.200",
                "Switchboard:Csp:Callback:FinalDeliveryTimeout=00:00:00.200"]);
        string Call(int id, int padding) =>
            Padded(CspCall.Request(id, CspCall.Probe, new JsonObject { ["milliseconds"] = 60_000 }, "wait", SilentUrl).ToJsonString(), padding);

        var running = await host.Http.PostAsync(Call(1, 0));
        var large = await host.Http.PostAsync(Call(2, 3000));
        var tooLarge = await host.Http.PostAsync(Call(3, 3000));
        var small = await host.Http.PostAsync(Call(4, 0));

        running.Status.Should().Be(HttpStatusCode.Accepted);
        large.Status.Should().Be(HttpStatusCode.Accepted);
        tooLarge.ErrorCode.Should().Be(-32603, tooLarge.Text);
        tooLarge.Error!["data"]!["errorCode"]!.GetValue<string>().Should().Be("Busy");
        tooLarge.Error!["data"]!["errorMessage"]!.GetValue<string>().Should().Contain("bytes of requests").And.Contain("5000");
        small.Status.Should().Be(HttpStatusCode.Accepted, "the allowance is in bytes: a small call still fits");
    }

    [Fact]
    public async Task A_Spiff_command_whose_request_would_take_the_pending_commands_past_CallbackMaxPendingBytes_is_answered_503_Busy()
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.TestPlugin("SpiffFixture"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory,
            "Switchboard:Spiff:CallbackMaxConcurrentCalls=1", "Switchboard:Spiff:CallbackMaxPendingBytes=5000",
            "Switchboard:Spiff:CallbackDrainTimeout=00:00:00.200", "Switchboard:Spiff:CallbackFinalDeliveryTimeout=00:00:00.200");
        string Body(int padding) => Padded($$"""{"milliseconds":60000,"spiff__callback_url":"{{SilentUrl}}"}""", padding);

        var running = await SpiffCall.DoAsync(host.Http, "fixture/Later", Body(0));
        var large = await SpiffCall.DoAsync(host.Http, "fixture/Later", Body(3000));
        var tooLarge = await SpiffCall.DoAsync(host.Http, "fixture/Later", Body(3000));
        var small = await SpiffCall.DoAsync(host.Http, "fixture/Later", Body(0));

        running.Status.Should().Be(HttpStatusCode.Accepted);
        large.Status.Should().Be(HttpStatusCode.Accepted);
        tooLarge.Json["command_response"]!["http_status"]!.GetValue<int>().Should().Be(503, tooLarge.Text);
        tooLarge.Json["error"]!["error_code"]!.GetValue<string>().Should().Be("Busy");
        small.Status.Should().Be(HttpStatusCode.Accepted, "the allowance is in bytes: a small command still fits");
    }

    [Fact]
    public async Task A_call_larger_than_the_whole_allowance_is_accepted_when_nothing_else_is_pending()
    {
        using var sandbox = new PluginSandbox();
        CspHostFixture.AddPlugins(sandbox);
        await using var host = await RunningHost.StartAsync(sandbox.Directory,
            [.. CspHostFixture.Settings, "Switchboard:Csp:Callback:MaxPendingBytes=1000"]);
        await using var listener = await Csp.CallbackListener.StartAsync();

        var answer = await host.Http.PostAsync(Padded(CspCall.Request(7, CspCall.Calculator, CspCall.Add(2, 3), callbackUrl: listener.Url.ToString()).ToJsonString(), 2000));

        answer.Status.Should().Be(HttpStatusCode.Accepted, answer.Text);
        (await listener.NextAsync())["result"]!["output"]!["result"]!.GetValue<double>().Should().Be(5);
    }
}
