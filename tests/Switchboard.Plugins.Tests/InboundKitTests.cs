using System.Text;
using System.Text.Json.Nodes;
using Switchboard.Abstractions;
using Switchboard.Abstractions.Inbound;
using Switchboard.Plugins.RandomNumber;
using Switchboard.Plugins.Webhook;
using Switchboard.Testing;
using Switchboard.TestPlugins.Ticker;

namespace Switchboard.Plugins.Tests;

/// <summary>Inbound connectors through the author kit (<see cref="InboundHarness"/>): a poller, a webhook and a
/// subscription, with their activation properties given as text, as a BPMN element holds them.</summary>
public sealed class InboundKitTests
{
    [Fact]
    public async Task A_poll_returns_its_events_as_the_host_writes_them_with_the_cursor_and_the_wait_it_asked_for()
    {
        var harness = InboundHarness.For<RandomNumberConnector>(new Dictionary<string, string> { ["min"] = "7", ["max"] = "7", ["intervalSeconds"] = "2.5" });

        var first = await harness.PollAsync();
        var later = await harness.PollAsync(cursor: "41");

        harness.Problem.Should().BeNull();
        first.Events.Should().ContainSingle().Which!.ToJsonString().Should().Be("""{"number":7,"sequence":1}""");
        first.Cursor.Should().Be("1");
        first.NextPollAfter.Should().Be(TimeSpan.FromSeconds(2.5));
        later.Events.Single()!["sequence"]!.GetValue<long>().Should().Be(42, "the connector counts on from the cursor the host hands back");
    }

    [Fact]
    public async Task Properties_that_do_not_bind_are_the_hosts_misconfiguration_and_the_connector_is_never_called()
    {
        var harness = InboundHarness.For<RandomNumberConnector>(new Dictionary<string, string> { ["max"] = "many", ["intervalSeconds"] = "0" }, activationId: "numbers");

        harness.Problem.Should().StartWith("activation 'numbers' is misconfigured: ").And.Contain("max").And.Contain("intervalSeconds");
        var poll = () => harness.PollAsync();
        (await poll.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should().StartWith(harness.Problem);
    }

    [Fact]
    public async Task What_the_connector_throws_reaches_the_test()
    {
        var harness = InboundHarness.For<RandomNumberConnector>(new Dictionary<string, string> { ["min"] = "9", ["max"] = "1" });

        var poll = () => harness.PollAsync();

        (await poll.Should().ThrowAsync<ConnectorInputException>()).Which.Code.Should().Be("InvalidRange");
    }

    [Fact]
    public async Task A_webhook_check_evaluates_its_FEEL_locator_with_the_hosts_engine()
    {
        var harness = InboundHarness.For<WebhookConnector>(new Dictionary<string, string>
        {
            ["inbound.context"] = "orders",
            ["inbound.auth.type"] = "APIKEY",
            ["inbound.auth.apiKey"] = "k3y-value",
            ["inbound.auth.apiKeyLocator"] = "=get value(request.headers, \"x-api-key\")",
        });
        static WebhookRequest Request(string key) => new()
        {
            Headers = new Dictionary<string, string> { ["x-api-key"] = key },
            Body = Encoding.UTF8.GetBytes("{}"),
            Mapped = new JsonObject { ["body"] = new JsonObject(), ["headers"] = new JsonObject { ["x-api-key"] = key }, ["params"] = new JsonObject() },
        };

        var right = await harness.HandleAsync(Request("k3y-value"));
        var wrong = await harness.HandleAsync(Request("guess"));

        right.Decision.Should().Be(WebhookDecision.Accept);
        wrong.Decision.Should().Be(WebhookDecision.Reject);
        wrong.StatusCode.Should().Be(401);
        wrong.Message.Should().NotContain("k3y-value");
    }

    [Fact]
    public async Task A_webhook_request_a_test_builds_is_read_as_the_host_reads_it_a_forms_fields_and_headers_named_in_any_case()
    {
        var byForm = InboundHarness.For<WebhookConnector>(new Dictionary<string, string>
        {
            ["inbound.context"] = "orders",
            ["inbound.auth.type"] = "APIKEY",
            ["inbound.auth.apiKey"] = "k3y value",
            ["inbound.auth.apiKeyLocator"] = "=request.body.key",
        });
        static WebhookRequest Form(string key) => new()
        {
            Headers = new Dictionary<string, string> { ["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8" },
            Body = Encoding.UTF8.GetBytes("key=" + key.Replace(' ', '+') + "&note=hi"),
        };
        var basic = InboundHarness.For<WebhookConnector>(new Dictionary<string, string>
        {
            ["inbound.context"] = "orders",
            ["inbound.auth.type"] = "BASIC",
            ["inbound.auth.username"] = "camunda",
            ["inbound.auth.password"] = "s3cret",
        });

        var right = await byForm.HandleAsync(Form("k3y value"));
        var wrong = await byForm.HandleAsync(Form("guess"));
        var signedIn = await basic.HandleAsync(new WebhookRequest
        {
            Headers = new Dictionary<string, string> { ["Authorization"] = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("camunda:s3cret")) },
        });

        right.Decision.Should().Be(WebhookDecision.Accept,
            "the host reads a form's fields as request.body, and the kit makes a test's request as the host does: " + right.Message);
        wrong.Decision.Should().Be(WebhookDecision.Reject);
        signedIn.Decision.Should().Be(WebhookDecision.Accept, "a header is found in any case, as in the host: " + signedIn.Message);
    }

    [Fact]
    public async Task A_subscription_publishes_until_it_is_stopped_and_reports_itself_down_when_its_events_fail()
    {
        var running = InboundHarness.For<TickerConnector>(new Dictionary<string, string> { ["intervalMs"] = "1" }).Subscribe();
        await running.WhenPublishedAsync(3);
        var ended = await running.StopAsync();

        ended.Should().BeNull("it stopped because it was told to");
        running.Published.Take(3).Select(e => e!["tick"]!.GetValue<int>()).Should().Equal(1, 2, 3);
        running.Down.Should().BeNull();

        var failing = InboundHarness.For<TickerConnector>(new Dictionary<string, string> { ["intervalMs"] = "1" })
            .Subscribe(_ => new EventOutcome(EventStatus.Failed, "the gateway is down"));
        await failing.WhenPublishedAsync(2);
        await failing.StopAsync();

        failing.Down.Should().Be("the last tick was not delivered: the gateway is down");
    }

    [Fact]
    public async Task A_wait_for_events_begun_after_the_subscription_ended_says_at_once_how_it_ended()
    {
        var running = InboundHarness.For<TickerConnector>(new Dictionary<string, string> { ["intervalMs"] = "1", ["failRuns"] = "1000000" }).Subscribe();
        var stop = () => running.StopAsync();
        await stop.Should().ThrowAsync<InvalidOperationException>().WithMessage("the broker went away");

        var wait = () => running.WhenPublishedAsync(5, TimeSpan.FromSeconds(10));

        (await wait.Should().ThrowAsync<InvalidOperationException>("the run has ended: waiting on only times out")).Which.Message.Should()
            .Be("the subscription ended after 1 event: it threw InvalidOperationException: the broker went away");
    }

    [Fact]
    public async Task A_subscription_that_fails_ends_the_wait_for_its_events_saying_how()
    {
        // The ticker's runs count across the process: a limit no test reaches makes every run of this one fail.
        var running = InboundHarness.For<TickerConnector>(new Dictionary<string, string> { ["intervalMs"] = "1", ["failRuns"] = "1000000" }).Subscribe();

        var wait = () => running.WhenPublishedAsync(5);

        (await wait.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should()
            .Be("the subscription ended after 1 event: it threw InvalidOperationException: the broker went away");
        var stop = () => running.StopAsync();
        await stop.Should().ThrowAsync<InvalidOperationException>().WithMessage("the broker went away");
    }

    [Fact]
    public void A_class_the_host_would_not_load_as_an_inbound_connector_is_refused()
    {
        var kit = () => InboundHarness.For<Calculator.CalculatorConnector>(new Dictionary<string, string>());

        kit.Should().Throw<ArgumentException>().WithMessage("the host would not load this inbound connector: *");
    }
}
