using System.Net;
using System.Text.Json.Nodes;
using Switchboard.Tests.Csp;
using Switchboard.Tests.Infrastructure;
using Switchboard.Tests.Spiff;

namespace Switchboard.Tests.Callbacks;

/// <summary>What a callback receiver's answer may cost the host, for both protocols that call back: an answer whose body
/// trickles times its attempt out (retried, then lost, its pending slot freed), and a huge body is never read.</summary>
public sealed class CallbackAnswerTests
{
    // A long guard: the attempt bound below is 1 s; on a loaded machine the whole test is still a few seconds.
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);

    private static readonly string[] CspShortAttempts =
    [
        "Switchboard:Csp:Callback:MaxAttempts=2",
        "Switchboard:Csp:Callback:AttemptTimeout=00:00:01",
        "Switchboard:Csp:Callback:FirstRetryDelay=00:00:00.050",
        "Switchboard:Csp:Callback:MaxRetryDelay=00:00:00.200",
        "Switchboard:Csp:Callback:MaxPendingCalls=1",
        "Switchboard:Csp:Callback:DrainTimeout=00:00:00.500",
        "Switchboard:Csp:Callback:FinalDeliveryTimeout=00:00:01",
    ];

    private static readonly string[] SpiffShortAttempts =
    [
        "Switchboard:Spiff:CallbackRetries=1",
        "Switchboard:Spiff:CallbackAttemptTimeout=00:00:01",
        "Switchboard:Spiff:CallbackRetryDelay=00:00:00.050",
        "Switchboard:Spiff:CallbackMaxRetryDelay=00:00:00.200",
        "Switchboard:Spiff:CallbackMaxPendingCalls=1",
        "Switchboard:Spiff:CallbackDrainTimeout=00:00:00.500",
        "Switchboard:Spiff:CallbackFinalDeliveryTimeout=00:00:01",
    ];

    [Fact]
    public async Task A_CSP_callback_answered_200_with_a_body_that_trickles_times_out_each_attempt_and_frees_its_pending_slot()
    {
        await using var receiver = await EndlessAnswerReceiver.TrickleAsync();
        await using var listener = await Csp.CallbackListener.StartAsync();
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.ShippedPlugin("Calculator"));
        var log = new SharedLog();
        await using var host = await RunningHost.StartAsync(sandbox.Directory, log, CspShortAttempts);

        var first = await host.Http.PostAsync(CspCall.Request(1, CspCall.Calculator, CspCall.Add(1, 2), callbackUrl: receiver.Url("cb")));
        first.Status.Should().Be(HttpStatusCode.Accepted, first.ToString());

        var status = await Eventually.WaitFor(async () => JsonNode.Parse(await host.Http.GetStringAsync("/csp/status"))!,
            s => s["callbacks"]!["lost"]!.GetValue<long>() == 1, Guard, "each attempt is held to AttemptTimeout, reading the answer included");
        status["asyncCalls"]!["pending"]!.GetValue<long>().Should().Be(0);
        status["callbacks"]!["retried"]!.GetValue<long>().Should().Be(1, "a timed-out attempt is retried like any other");
        // The host gives up on an attempt by its own clock; the receiver may take the request in hand only after that on a
        // loaded machine (the clean-clone CI once read 1 here), so its count is waited for.
        await Eventually.WaitFor(() => receiver.Requests >= 2, Guard, "the receiver sees both attempts");
        receiver.Requests.Should().Be(2, "MaxAttempts is 2");
        // The loss is counted just before it is logged.
        await Eventually.WaitFor(() => log.ToString().Contains(" lost "), Guard, "the lost callback is logged");
        var lost = log.ToString().Split('\n').Where(l => l.Contains(" lost ")).ToList();
        lost.Should().ContainSingle(string.Join("\n", lost)).Which.Should().Contain("timed out").And.NotContain("receiver-secret").And.NotContain("/cb");

        // The one pending slot is free again: a later call is accepted and called back.
        var later = await host.Http.PostAsync(CspCall.Request(2, CspCall.Calculator, CspCall.Add(2, 2), callbackUrl: listener.Url.ToString()));
        later.Status.Should().Be(HttpStatusCode.Accepted, later.ToString());
        (await listener.NextAsync(Guard))["result"]!["output"]!["result"]!.GetValue<double>().Should().Be(4);
    }

    [Fact]
    public async Task A_Spiff_callback_answered_200_with_a_body_that_trickles_times_out_each_attempt_and_frees_its_pending_slot()
    {
        await using var receiver = await EndlessAnswerReceiver.TrickleAsync();
        await using var listener = await Spiff.CallbackListener.StartAsync();
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.TestPlugin("SpiffFixture"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory, SpiffShortAttempts);

        var first = await SpiffCall.DoAsync(host.Http, "fixture/Later", $$"""{"milliseconds":0,"spiff__callback_url":"{{receiver.Url("v1.0/tasks/42/t1/callback")}}"}""");
        first.Status.Should().Be(HttpStatusCode.Accepted, first.Text);

        var status = await Eventually.WaitFor(async () => (await SpiffCall.GetAsync(host.Http, "/v1/status")).Json,
            s => s["callbacks"]!["lost"]!.GetValue<long>() == 1, Guard, "each attempt is held to CallbackAttemptTimeout, reading the answer included");
        status["asyncCalls"]!["pending"]!.GetValue<long>().Should().Be(0);
        status["callbacks"]!["retried"]!.GetValue<long>().Should().Be(1);
        await Eventually.WaitFor(() => receiver.Requests >= 2, Guard, "the receiver sees both attempts (taken in hand after the host gave up on one, on a loaded machine)");
        receiver.Requests.Should().Be(2, "the first attempt and one retry");

        var later = await SpiffCall.DoAsync(host.Http, "fixture/Later", $$"""{"milliseconds":0,"spiff__callback_url":"{{listener.CallbackUrl("t2")}}"}""");
        later.Status.Should().Be(HttpStatusCode.Accepted, later.Text);
        await Eventually.WaitFor(() => !listener.Received.IsEmpty, Guard, "the later command is called back");
    }

    [Fact]
    public async Task A_CSP_callback_answered_200_with_a_200_MB_body_is_delivered_without_the_body_being_read()
    {
        await using var receiver = await EndlessAnswerReceiver.FloodAsync(200L * 1024 * 1024);
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.ShippedPlugin("Calculator"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory, CspShortAttempts);

        var call = await host.Http.PostAsync(CspCall.Request(1, CspCall.Calculator, CspCall.Add(1, 2), callbackUrl: receiver.Url("cb")));
        call.Status.Should().Be(HttpStatusCode.Accepted, call.ToString());

        // The receiver sees the host close the connection long before the body ends; had the host read (and buffered) it, all 200 MB would go.
        var answer = await receiver.NextAnswerAsync(Guard);
        answer.Complete.Should().BeFalse($"the host must not read the body ({answer.Sent} of {receiver.Declared} bytes were taken)");
        answer.Sent.Should().BeLessThan(receiver.Declared);
        var status = await Eventually.WaitFor(async () => JsonNode.Parse(await host.Http.GetStringAsync("/csp/status"))!,
            s => s["asyncCalls"]!["pending"]!.GetValue<long>() == 0, Guard);
        status["callbacks"]!["delivered"]!.GetValue<long>().Should().Be(1, "a 2xx is a delivered callback, whatever its body");
        receiver.Requests.Should().Be(1);
    }

    [Fact]
    public async Task A_Spiff_callback_answered_200_with_a_200_MB_body_is_delivered_without_the_body_being_read()
    {
        await using var receiver = await EndlessAnswerReceiver.FloodAsync(200L * 1024 * 1024);
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.TestPlugin("SpiffFixture"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory, SpiffShortAttempts);

        var call = await SpiffCall.DoAsync(host.Http, "fixture/Later", $$"""{"milliseconds":0,"spiff__callback_url":"{{receiver.Url("v1.0/tasks/42/t1/callback")}}"}""");
        call.Status.Should().Be(HttpStatusCode.Accepted, call.Text);

        var answer = await receiver.NextAnswerAsync(Guard);
        answer.Complete.Should().BeFalse($"the host must not read the body ({answer.Sent} of {receiver.Declared} bytes were taken)");
        answer.Sent.Should().BeLessThan(receiver.Declared);
        var status = await Eventually.WaitFor(async () => (await SpiffCall.GetAsync(host.Http, "/v1/status")).Json,
            s => s["asyncCalls"]!["pending"]!.GetValue<long>() == 0, Guard);
        status["callbacks"]!["delivered"]!.GetValue<long>().Should().Be(1, "a 2xx is a delivered callback, whatever its body");
        receiver.Requests.Should().Be(1);
    }
}
