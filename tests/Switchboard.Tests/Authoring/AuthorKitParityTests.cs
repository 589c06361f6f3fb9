using System.Text.Json.Nodes;
using Switchboard.Abstractions.Spiff;
using Switchboard.Core;
using Switchboard.Plugins.RandomNumber;
using Switchboard.Host.Catalog;
using Switchboard.Testing;
using Switchboard.TestPlugins.KitParity;
using Switchboard.Tests.Csp;
using Switchboard.Tests.Infrastructure;
using Switchboard.Tests.Spiff;

namespace Switchboard.Tests.Authoring;

/// <summary>The README promises that the author kit is "a thin wrapper over Switchboard.Core ... so what passes there
/// behaves the same in the host": each test here calls the running host (CSP or Spiff) and the kit with the same
/// connector, settings and input, and asserts that they agree.</summary>
public sealed class AuthorKitParityTests
{
    private const string Type = "test.switchboard:kitparity:1";
    private const string InternalType = "test.switchboard:kitparity-internal:1";

    [Fact]
    public async Task A_connector_class_the_host_does_not_serve_is_refused_by_the_kit()
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.TestPlugin("KitParity"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory);

        var answer = await host.Http.PostAsync(CspCall.Request(1, InternalType, new JsonObject()));
        answer.ErrorData!["errorCode"]!.GetValue<string>().Should().Be("ConnectorNotFound", answer.ToString());

        // The host never serves an internal [Connector] class: the kit, which "refuses a connector the host would refuse
        // to load", must not run it either.
        var kit = () => ConnectorHarness.For<InternalConnector>();

        kit.Should().Throw<ArgumentException>("the host answers {0} for this connector", answer);
    }

    [Fact]
    public async Task An_inbound_activation_the_host_reports_misconfigured_is_refused_by_the_kit_in_the_same_words()
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.ShippedPlugin("RandomNumber"));
        // Inside the sandbox, which goes with it; the catalog ignores a folder whose name starts with a dot.
        var state = Path.Combine(sandbox.Directory, ".state");
        const string activation = "Switchboard:Inbound:Activations:numbers:";
        await using var host = await RunningHost.StartAsync(sandbox.Directory, "Switchboard:Inbound:StateDirectory=" + state,
            activation + "inbound.type=io.switchboard:random-number:1", activation + "max=many", activation + "intervalSeconds=0",
            activation + "messageName=numbers", activation + "correlationKeyExpression==\"k\"");
        var listing = await Eventually.WaitFor(() => host.Http.GetStringAsync("/inbound"),
            text => JsonNode.Parse(text)![0]!["health"]!["reason"]?.GetValue<string>().Contains("misconfigured") == true,
            because: "the host binds the activation's properties and reports why they do not bind");
        var reported = JsonNode.Parse(listing)![0]!["health"]!["reason"]!.GetValue<string>();

        var kit = InboundHarness.For<RandomNumberConnector>(new Dictionary<string, string> { ["max"] = "many", ["intervalSeconds"] = "0" }, activationId: "numbers");

        kit.Problem.Should().NotBeNull();
        reported.Should().Contain(kit.Problem!, "the kit binds an activation's properties with the host's own core");
    }

    [Theory]
    [InlineData("throwinggetter")]
    [InlineData("selfref")]
    public async Task A_webhook_answer_the_host_cannot_send_fails_in_the_kit_in_the_hosts_words(string mode)
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.TestPlugin("KitParity"));
        const string activation = "Switchboard:Inbound:Activations:parity:";
        await using var host = await RunningHost.StartAsync(sandbox.Directory, "Switchboard:Inbound:StateDirectory=" + Path.Combine(sandbox.Directory, ".state"),
            activation + "inbound.type=test.switchboard:kitparity-webhook:1", activation + "inbound.context=parity", activation + "mode=" + mode,
            activation + "messageName=m", activation + "correlationKeyExpression==\"k\"");
        using var answer = await host.Http.PostAsync("/inbound/parity", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        var body = await answer.Content.ReadAsStringAsync();
        answer.StatusCode.Should().Be(System.Net.HttpStatusCode.InternalServerError, body);
        var reported = JsonNode.Parse(body)!["message"]!.GetValue<string>();
        reported.Should().StartWith("the connector failed: the body of its answer cannot be written");

        var kit = InboundHarness.For<KitParityWebhook>(new Dictionary<string, string> { ["mode"] = mode }, activationId: "parity");
        var handle = () => kit.HandleAsync(new Abstractions.Inbound.WebhookRequest { Method = "POST", Body = "{}"u8.ToArray() });

        // It returned the connector's result unchecked: a test of the answer passed where the host answers 500.
        (await handle.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should().Be("the host would answer 500: " + reported);
    }

    [Fact]
    public async Task A_concurrency_setting_the_host_refuses_at_load_is_refused_by_the_kit()
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.TestPlugin("KitParity"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory, "Plugins:KitParity:MaxConcurrentCalls=0");
        var plugin = host.Catalog.Plugins.Single(p => p.Name == "KitParity");
        plugin.State.Should().Be(PluginState.Failed);

        var kit = () => ConnectorHarness.For<KitParityConnector>(new Dictionary<string, string?> { ["MaxConcurrentCalls"] = "0" });

        kit.Should().Throw<ArgumentException>("the host refuses the plugin with these settings: {0}", plugin.Reason);
    }

    [Fact]
    public async Task A_connector_whose_own_start_fails_in_the_host_is_refused_by_the_kit()
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.TestPlugin("KitParity"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory, "Plugins:KitParity:Endpoint=not a url");
        var plugin = host.Catalog.Plugins.Single(p => p.Name == "KitParity");
        plugin.State.Should().Be(PluginState.Failed);
        plugin.Reason.Should().Contain("SelfStartingConnector.StartAsync failed");

        var kit = () => ConnectorHarness.For<SelfStartingConnector>(new Dictionary<string, string?> { ["Endpoint"] = "not a url" });

        kit.Should().Throw<ArgumentException>("the host refuses the plugin with these settings: {0}", plugin.Reason);
    }

    [Fact]
    public async Task A_connector_that_is_its_own_lifecycle_serves_its_calls_as_the_instance_that_was_started()
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.TestPlugin("KitParity"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory);
        await using var kit = ConnectorHarness.For<SelfStartingConnector>();

        var answer = await host.Http.PostAsync(CspCall.Request(1, "test.switchboard:kitparity-started:1", new JsonObject()));
        var result = await kit.InvokeAsync("{}");

        answer.Result?["output"]?.GetValue<string>().Should().Be("served by the started instance",
            "the host started one instance of the connector and served its calls with another ({0})", answer);
        result.Output?.GetValue<string>().Should().Be("served by the started instance", "the kit starts it as the host does");
    }

    [Fact]
    public async Task Past_the_plugins_concurrency_limit_the_kit_answers_as_the_host_does()
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.TestPlugin("KitParity"));
        var settings = new Dictionary<string, string?> { ["MaxConcurrentCalls"] = "1", ["MaxQueuedCalls"] = "0" };
        await using var host = await RunningHost.StartAsync(sandbox.Directory, settings.Select(s => $"Plugins:KitParity:{s.Key}={s.Value}").ToArray());
        await using var kit = ConnectorHarness.For<KitParityConnector>(settings);

        // The host: one call holds the only slot, a second one meanwhile.
        var hostHold = Hold(sandbox, "host");
        var holding = host.Http.PostAsync(CspCall.Request(1, Type, hostHold.Input, "hold"));
        await Eventually.WaitFor(() => File.Exists(hostHold.Marker), because: "the host's first call starts");
        var hostSecond = await host.Http.PostAsync(CspCall.Request(2, Type, new JsonObject(), "quick"));
        File.WriteAllText(hostHold.Release, "go");
        (await holding).Result!["output"]!.GetValue<string>().Should().Be("held");

        // The kit, with the same settings: the same two calls.
        var kitHold = Hold(sandbox, "kit");
        var kitHolding = kit.InvokeAsync(kitHold.Input, "hold");
        await Eventually.WaitFor(() => File.Exists(kitHold.Marker), because: "the kit's first call starts");
        var kitSecond = await kit.InvokeAsync(new JsonObject(), "quick");
        File.WriteAllText(kitHold.Release, "go");
        (await kitHolding).Output!.GetValue<string>().Should().Be("held");

        hostSecond.ErrorData!["errorCode"]!.GetValue<string>().Should().Be("Busy", hostSecond.ToString());
        var kitSeen = kitSecond.Error is null ? $"success with output {kitSecond.Output?.ToJsonString()}" : $"{kitSecond.Error.Kind} {kitSecond.Error.Code}";
        kitSeen.Should().Be($"{ErrorKind.Busy} Busy", "the host answers the second call {0}", hostSecond);
    }

    // Files beside the plugins folder, not in it: the catalog watches that folder.
    private static (JsonObject Input, string Marker, string Release) Hold(PluginSandbox sandbox, string side)
    {
        var folder = sandbox.Directory + "-files";
        Directory.CreateDirectory(folder);
        var marker = Path.Combine(folder, side + "-started");
        var release = Path.Combine(folder, side + "-release");
        return (new JsonObject { ["marker"] = marker, ["release"] = release }, marker, release);
    }

    [Fact]
    public async Task The_call_a_connector_reads_from_context_Invocation_is_the_same_for_a_Spiff_task()
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.TestPlugin("KitParity"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory);
        await using var kit = ConnectorHarness.For<KitParityConnector>();

        var call = await SpiffCall.DoAsync(host.Http, "kitparity/Who", """{"spiff__task_id":"task-7","spiff__process_instance_id":"instance-9"}""");
        // The kit's documented way to hand over a Spiff call's details: a SpiffTask feature, "as a protocol adapter would".
        kit.Features.Add(new SpiffTask { TaskId = "task-7", ProcessInstanceId = "instance-9" });
        var result = await kit.InvokeAsync("{}", "who");

        var hostSeen = call.Json["command_response"]!["body"]!.ToJsonString();
        hostSeen.Should().Be("""{"requestId":"task-7","processInstanceId":"instance-9","operation":"who"}""", call.Text);
        result.Output?.ToJsonString().Should().Be(hostSeen, "the host's connector read {0}; the kit's read {1}", hostSeen, result.Output?.ToJsonString());
    }

    [Fact]
    public async Task An_input_holding_a_lone_surrogate_escape_fails_alike()
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.TestPlugin("KitParity"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory);
        await using var kit = ConnectorHarness.For<KitParityConnector>();
        const string input = """{"text":"cut \ud83d here"}""";

        var answer = await host.Http.PostAsync($$"""{"jsonrpc":"2.0","id":1,"method":"{{Type}}","params":{"operation":"echo","input":""" + input + "}}");
        var spiff = await SpiffCall.DoAsync(host.Http, "kitparity/Echo", input);
        var result = await kit.InvokeAsync(input, "echo");

        var hostSeen = $"{answer.ErrorData?["errorCode"]} retryable={answer.ErrorData?["retryable"]}";
        hostSeen.Should().Be("InvalidParameters retryable=false", answer.ToString());
        spiff.Json["error"]!["error_code"]!.GetValue<string>().Should().Be("InvalidParameters", spiff.Text);
        $"{result.Error?.Code} retryable={result.Error?.Retryable.ToString().ToLowerInvariant()}".Should().Be(hostSeen,
            "the host refuses it over CSP ({0}) and Spiff; the kit answered {1}", answer, result.Error?.ToString() ?? result.Output?.ToJsonString());
    }
}
