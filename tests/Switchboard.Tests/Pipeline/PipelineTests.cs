using System.Text.Json.Nodes;
using Switchboard.Abstractions;
using Switchboard.Core;
using Switchboard.Core.Invoking;
using Switchboard.Host.Invocation;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Pipeline;

public sealed class PipelineTests : IAsyncLifetime
{
    private CatalogHarness _harness = null!;

    public async Task InitializeAsync() => _harness = await CatalogHarness.StartAsync(sandbox =>
    {
        sandbox.Add(Repository.ShippedPlugin("Calculator"));
        sandbox.Add(Repository.ShippedPlugin("Log"));
        sandbox.Add(Repository.TestPlugin("ReloadProbe.V1"), "ReloadProbe");
    }, watch: false);

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    private Task<Outcome> Invoke(string type, string json, string? operation = null, Protocol protocol = Protocol.InProcess, TimeSpan? timeout = null) =>
        _harness.Pipeline.InvokeAsync(new Invocation(type, operation, JsonNode.Parse(json)!.AsObject(), protocol) { Timeout = timeout }).AsTask();

    [Fact]
    public async Task Numbers_built_in_code_bind_like_parsed_ones()
    {
        // Adapters (Zeebe variables, FEEL results, the test kit) hand over JsonValues made from CLR numbers, not parsed text.
        var input = new JsonObject { ["action"] = "divide", ["a"] = 7, ["b"] = 2L };

        var outcome = await _harness.Pipeline.InvokeAsync(new Invocation("io.switchboard:calculator:1", null, input, Protocol.InProcess));

        outcome.Error.Should().BeNull(outcome.Error?.Message);
        outcome.Output!["result"]!.GetValue<double>().Should().Be(3.5);
    }

    [Fact]
    public async Task Calculator_adds_and_names_the_action()
    {
        var outcome = await Invoke("io.switchboard:calculator:1", """{"action":"add","a":5,"b":3}""");

        outcome.Succeeded.Should().BeTrue();
        outcome.Output!.ToJsonString().Should().Be("""{"result":8,"action":"add"}""");
    }

    [Fact]
    public async Task Input_is_bound_leniently_numbers_as_text_wrappers_and_unknown_fields()
    {
        var outcome = await Invoke("io.switchboard:calculator:1",
            """{"action":"Multiply","a":"2.5","b":{"value":"4","typename":"str"},"spiff__task_id":"x","unknown":[1,2]}""");

        outcome.Error.Should().BeNull();
        outcome.Output!["result"]!.GetValue<double>().Should().Be(10);

        var log = await Invoke("io.switchboard:log:1", """{"message":42}""");
        log.Output!.ToJsonString().Should().Be("""{"status":"ok"}""");
    }

    [Fact]
    public async Task Invalid_input_names_every_failing_field_and_is_not_retryable()
    {
        var outcome = await Invoke("io.switchboard:calculator:1", """{"action":"power","a":"two"}""");

        var error = outcome.Error!;
        error.Kind.Should().Be(ErrorKind.InvalidInput);
        error.Code.Should().Be("InvalidParameters");
        error.Retryable.Should().BeFalse();
        error.FieldErrors.Select(f => f.Field).Should().BeEquivalentTo("action", "a", "b");
        error.FieldErrors.Single(f => f.Field == "action").Message.Should().Contain("add, subtract, multiply, divide");
        error.Message.Should().Contain("b is required");
    }

    [Fact]
    public async Task Division_by_zero_is_an_input_error_with_the_connectors_code()
    {
        var outcome = await Invoke("io.switchboard:calculator:1", """{"action":"divide","a":1,"b":0}""");

        outcome.Error!.Kind.Should().Be(ErrorKind.InvalidInput);
        outcome.Error.Code.Should().Be("DivisionByZero");
        outcome.Error.Retryable.Should().BeFalse();
        outcome.Error.FieldErrors.Should().ContainSingle(f => f.Field == "b");
        _harness.Logs.All.Should().Contain("Connector io.switchboard:calculator:1 operation (only) via InProcess failed",
            "one line naming the connector and the protocol, with a readable operation even for a single-operation connector");
    }

    [Fact]
    public async Task Unknown_connector_and_operation_are_reported_as_such()
    {
        (await Invoke("io.example:nothing:1", "{}")).Error!.Kind.Should().Be(ErrorKind.UnknownConnector);

        var noOperation = await Invoke("test.switchboard:probe:1", "{}");
        noOperation.Error!.Kind.Should().Be(ErrorKind.UnknownOperation);
        noOperation.Error.Message.Should().Contain("identify").And.Contain("wait");

        (await Invoke("test.switchboard:probe:1", "{}", "explode")).Error!.Kind.Should().Be(ErrorKind.UnknownOperation);
    }

    [Fact]
    public async Task Context_carries_the_plugin_folder_and_the_operation_is_chosen_case_insensitively()
    {
        var outcome = await Invoke("test.switchboard:probe:1", """{"echo":"hi"}""", "IDENTIFY");

        outcome.Output!["variant"]!.GetValue<string>().Should().Be("v1");
        outcome.Output["echo"]!.GetValue<string>().Should().Be("hi");
        outcome.Output["pluginDirectory"]!.GetValue<string>().Should().Be(Path.Combine(_harness.Sandbox.Directory, "ReloadProbe"));
    }

    [Fact]
    public async Task A_call_over_its_timeout_fails_as_retryable_timeout_even_if_the_connector_ignores_cancellation()
    {
        var outcome = await Invoke("test.switchboard:probe:1", """{"milliseconds":3000,"ignoreCancellation":true}""", "wait",
            timeout: TimeSpan.FromMilliseconds(200));

        outcome.Error!.Kind.Should().Be(ErrorKind.Timeout);
        outcome.Error.Retryable.Should().BeTrue();
        outcome.Error.Message.Should().Contain("0.2 s");
    }

    [Fact]
    public async Task Connector_errors_keep_their_code_and_retryability_and_never_show_the_secret()
    {
        const string token = "s3cr3t-T0ken-value";
        var outcome = await Invoke("test.switchboard:probe:1", $$"""{"token":"{{token}}","code":"UpstreamDown","retryable":true}""", "fail", Protocol.Csp);

        outcome.Error!.Kind.Should().Be(ErrorKind.ConnectorError);
        outcome.Error.Code.Should().Be("UpstreamDown");
        outcome.Error.Retryable.Should().BeTrue();
        outcome.Error.Message.Should().Be("upstream rejected token ***");
        outcome.Error.Data!["token"]!.GetValue<string>().Should().Be("***");
        outcome.Error.Data["hint"]!.GetValue<string>().Should().Be("check the token");

        var crash = await Invoke("test.switchboard:probe:1", $$"""{"token":"{{token}}","code":"Crash"}""", "fail");
        crash.Error!.Kind.Should().Be(ErrorKind.Internal);
        crash.Error.Message.Should().Be("InvalidOperationException: crashed while holding ***");

        _harness.Logs.All.Should().Contain("probe about to fail with token ***").And.NotContain(token);
        _harness.Logs.All.Should().Contain("Connector test.switchboard:probe:1 operation fail via Csp failed");
    }
}
