using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;

namespace Switchboard.Tests.Csp;

/// <summary>The request/response pairs of the CSP spec against the real host: results, ids, every error code, notifications and batches.</summary>
public sealed class CspProtocolTests(CspHostFixture fixture) : IClassFixture<CspHostFixture>
{
    private readonly HttpClient _http = fixture.Http;

    [Fact]
    public async Task A_call_gets_the_spec_result_envelope_with_its_integer_id_echoed()
    {
        var answer = await _http.PostAsync("""
            {"jsonrpc":"2.0","id":99999999,"method":"io.switchboard:calculator:1","params":{"input":{"action":"add","a":5,"b":3}}}
            """);

        answer.Status.Should().Be(HttpStatusCode.OK);
        var json = answer.Json;
        json["jsonrpc"]!.GetValue<string>().Should().Be("2.0");
        json["id"]!.GetValue<long>().Should().Be(99999999);
        json["result"]!["output"]!["result"]!.GetValue<double>().Should().Be(8.0);
        json["result"]!["output"]!["action"]!.GetValue<string>().Should().Be("add");
        json["result"]!["statusCode"]!.GetValue<int>().Should().Be(200);
        json["result"]!.AsObject().ContainsKey("error").Should().BeTrue();
        json["result"]!["error"].Should().BeNull();
        json.AsObject().ContainsKey("error").Should().BeFalse();
    }

    [Theory]
    [InlineData("\"req-42\"")]
    [InlineData("\"\"")]
    [InlineData("12345678901234567890")]
    [InlineData("-7")]
    [InlineData("1.5")]
    [InlineData("null")]
    public async Task The_id_is_echoed_exactly_as_sent(string id)
    {
        var answer = await _http.PostAsync("""{"jsonrpc":"2.0","id":""" + id
            + ""","method":"io.switchboard:calculator:1","params":{"input":{"action":"multiply","a":6,"b":7}}}""");

        answer.Status.Should().Be(HttpStatusCode.OK);
        answer.Text.Should().Contain($"\"id\":{id},");
        answer.Result!["output"]!["result"]!.GetValue<double>().Should().Be(42);
    }

    [Fact]
    public async Task The_operation_param_selects_one_operation_of_a_multi_operation_connector()
    {
        var answer = await _http.PostAsync(CspCall.Request(1, CspCall.Probe, new JsonObject { ["echo"] = "hello" }, operation: "identify"));

        answer.Result!["output"]!["variant"]!.GetValue<string>().Should().Be("v1");
        answer.Result!["output"]!["echo"]!.GetValue<string>().Should().Be("hello");
    }

    [Fact]
    public async Task An_unknown_connector_type_is_method_not_found()
    {
        var answer = await _http.PostAsync(CspCall.Request(5, "io.example:nothing:1", CspCall.Add(1, 2)));

        answer.Status.Should().Be(HttpStatusCode.OK);
        answer.Json["id"]!.GetValue<int>().Should().Be(5);
        answer.ErrorCode.Should().Be(-32601);
        answer.Error!["message"]!.GetValue<string>().Should().Be("Method not found");
        answer.ErrorData!["errorCode"]!.GetValue<string>().Should().Be("ConnectorNotFound");
        answer.ErrorData!["errorMessage"]!.GetValue<string>().Should().Contain("io.example:nothing:1");
    }

    [Theory]
    [InlineData("explode", "has no operation 'explode'")]
    [InlineData(null, "needs an operation")]
    public async Task An_unknown_or_missing_operation_is_method_not_found(string? operation, string expected)
    {
        var answer = await _http.PostAsync(CspCall.Request(6, CspCall.Probe, new JsonObject(), operation));

        answer.ErrorCode.Should().Be(-32601);
        answer.ErrorData!["errorCode"]!.GetValue<string>().Should().Be("OperationNotFound");
        answer.ErrorData!["errorMessage"]!.GetValue<string>().Should().Contain(expected).And.Contain("identify, fail, wait");
    }

    [Fact]
    public async Task An_operation_named_for_a_connector_with_one_unnamed_operation_is_told_to_leave_it_out()
    {
        var answer = await _http.PostAsync(CspCall.Request(6, CspCall.Calculator, CspCall.Add(1, 2), "nope"));

        answer.ErrorCode.Should().Be(-32601);
        answer.ErrorData!["errorMessage"]!.GetValue<string>().Should()
            .Be("connector 'io.switchboard:calculator:1' has no operation 'nope'; it has one operation, without a name: leave the operation out");
    }

    [Fact]
    public async Task Input_failing_binding_is_invalid_params_naming_each_field()
    {
        var answer = await _http.PostAsync(CspCall.Request(7, CspCall.Calculator, new JsonObject { ["action"] = "power", ["a"] = "five" }));

        answer.ErrorCode.Should().Be(-32602);
        answer.Error!["message"]!.GetValue<string>().Should().Be("Invalid params");
        answer.InvalidFields.Should().BeEquivalentTo("action", "a", "b");
        var errors = answer.ErrorData!["validationErrors"]!.AsArray();
        errors.Single(e => e!["field"]!.GetValue<string>() == "b")!["message"]!.GetValue<string>().Should().Be("is required");
        answer.ErrorData!["errorMessage"]!.GetValue<string>().Should().Contain("a must be a number");
    }

    [Fact]
    public async Task A_connector_input_error_keeps_its_code_and_message()
    {
        var answer = await _http.PostAsync(CspCall.Request("div", CspCall.Calculator, new JsonObject { ["action"] = "divide", ["a"] = 1, ["b"] = 0 }));

        answer.ErrorCode.Should().Be(-32602);
        answer.Error!["message"]!.GetValue<string>().Should().Be("cannot divide by zero: b is 0");
        answer.ErrorData!["errorCode"]!.GetValue<string>().Should().Be("DivisionByZero");
        answer.ErrorData!["retryable"]!.GetValue<bool>().Should().BeFalse();
        answer.InvalidFields.Should().Equal("b");
    }

    [Fact]
    public async Task A_result_beyond_the_range_of_a_number_is_an_Overflow_input_error_never_a_null_result()
    {
        var answer = await _http.PostAsync(CspCall.Request(8, "io.switchboard:calculator:1", new JsonObject { ["action"] = "multiply", ["a"] = 1e308, ["b"] = 10 }));

        answer.ErrorCode.Should().Be(-32602, answer.Text);
        answer.ErrorData!["errorCode"]!.GetValue<string>().Should().Be("Overflow");
        answer.ErrorData!["retryable"]!.GetValue<bool>().Should().BeFalse();
    }

    [Fact]
    public async Task A_non_finite_number_in_an_output_is_a_permanent_connector_failure_naming_where_it_is()
    {
        var answer = await _http.PostAsync(CspCall.Request(8, CspCall.Faults, new JsonObject(), operation: "nonfinite"));

        answer.Result.Should().BeNull(answer.Text);
        answer.ErrorData!["errorCode"]!.GetValue<string>().Should().Be("NonFiniteNumber", answer.Text);
        answer.ErrorData!["errorMessage"]!.GetValue<string>().Should().Contain("summary.totals[1]").And.Contain("NaN");
        answer.ErrorData!["retryable"]!.GetValue<bool>().Should().BeFalse();
    }

    [Fact]
    public async Task A_connector_error_passes_through_with_its_code_retryability_and_details_and_the_secret_masked()
    {
        var answer = await _http.PostAsync(CspCall.Request(8, CspCall.Faults, new JsonObject
        {
            ["code"] = "BackendUnavailable", ["message"] = "upstream is down", ["retryable"] = true, ["token"] = "tok-5ecret-value",
        }, operation: "raise"));

        answer.ErrorCode.Should().Be(-32000);
        answer.Error!["message"]!.GetValue<string>().Should().Be("upstream is down (token ***)");
        answer.ErrorData!["errorCode"]!.GetValue<string>().Should().Be("BackendUnavailable");
        answer.ErrorData!["retryable"]!.GetValue<bool>().Should().BeTrue();
        answer.ErrorData!["details"]!["attempt"]!.GetValue<int>().Should().Be(3);
        answer.ErrorData!["details"]!["token"]!.GetValue<string>().Should().Be("***");
        answer.Text.Should().NotContain("tok-5ecret-value");
    }

    [Fact]
    public async Task A_connector_error_code_carrying_a_secret_is_masked_and_an_overlong_one_is_cut()
    {
        var secret = await _http.PostAsync(CspCall.Request(8, CspCall.Faults, new JsonObject
        {
            ["code"] = "Refused-tok-5ecret-value", ["token"] = "tok-5ecret-value",
        }, operation: "raise"));
        var overlong = await _http.PostAsync(CspCall.Request(8, CspCall.Faults, new JsonObject { ["code"] = new string('E', 5000) }, operation: "raise"));

        secret.ErrorData!["errorCode"]!.GetValue<string>().Should().Be("Refused-***");
        secret.Text.Should().NotContain("tok-5ecret-value");
        overlong.ErrorData!["errorCode"]!.GetValue<string>().Should().Be(new string('E', 128), "a code is an identifier, not a message");
    }

    [Theory]
    [InlineData("4001", 4001)]
    [InlineData("-1", -1)]
    [InlineData("-32601", -32000)]
    [InlineData("-32000", -32000)]
    public async Task A_connector_error_with_an_integer_code_uses_it_unless_JSON_RPC_reserves_it(string code, int expected)
    {
        var answer = await _http.PostAsync(CspCall.Request(9, CspCall.Faults, new JsonObject { ["code"] = code }, operation: "raise"));

        answer.ErrorCode.Should().Be(expected);
        answer.ErrorData!["errorCode"]!.GetValue<string>().Should().Be(code);
    }

    [Fact]
    public async Task A_crashing_connector_is_an_internal_error_without_stack_trace_or_secret()
    {
        var answer = await _http.PostAsync(CspCall.Request(10, CspCall.Faults, new JsonObject { ["token"] = "tok-5ecret-value" }, operation: "crash"));

        answer.ErrorCode.Should().Be(-32603);
        answer.Error!["message"]!.GetValue<string>().Should().Be("Internal error");
        answer.ErrorData!["errorCode"]!.GetValue<string>().Should().Be("ConnectorFailed");
        answer.ErrorData!["errorMessage"]!.GetValue<string>().Should().Be("InvalidOperationException: backend refused token ***");
        answer.Text.Should().NotContain("tok-5ecret-value").And.NotContain(" at ").And.NotContain("FaultsConnector").And.NotContain(".cs");
    }

    [Fact]
    public async Task A_slow_connector_times_out_with_an_internal_error_saying_so()
    {
        var answer = await _http.PostAsync(CspCall.Request(11, CspCall.Probe, new JsonObject { ["milliseconds"] = 10_000 }, operation: "wait"));

        answer.ErrorCode.Should().Be(-32603);
        answer.ErrorData!["errorCode"]!.GetValue<string>().Should().Be("Timeout");
        answer.ErrorData!["errorMessage"]!.GetValue<string>().Should().Be("connector 'test.switchboard:probe:1' did not finish within 3 s");
        answer.ErrorData!["retryable"]!.GetValue<bool>().Should().BeTrue();
    }

    [Fact]
    public async Task A_notification_runs_to_completion_and_gets_204_without_a_body()
    {
        var clock = Stopwatch.StartNew();
        var answer = await _http.PostAsync(CspCall.Request(null, CspCall.Probe, new JsonObject { ["milliseconds"] = 500 }, operation: "wait"));

        answer.Status.Should().Be(HttpStatusCode.NoContent);
        answer.Text.Should().BeEmpty();
        // A lower bound with slack for timer granularity: an answer without running would come in a few milliseconds.
        clock.Elapsed.Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(450), "the 500 ms wait ran before the answer");
    }

    [Fact]
    public async Task A_notification_that_fails_still_gets_no_answer()
    {
        var unknown = await _http.PostAsync(CspCall.Request(null, "io.example:nothing:1", CspCall.Add(1, 2)));
        var invalid = await _http.PostAsync("""{"jsonrpc":"2.0","method":"io.switchboard:calculator:1","params":{"input":"not an object"}}""");

        unknown.Status.Should().Be(HttpStatusCode.NoContent);
        invalid.Status.Should().Be(HttpStatusCode.NoContent);
        invalid.Text.Should().BeEmpty();
    }

    [Fact]
    public async Task A_batch_answers_an_array_in_request_order_leaving_notifications_out()
    {
        var batch = new JsonArray(
            CspCall.Request(1, CspCall.Calculator, CspCall.Add(1, 2)),
            CspCall.Request(null, CspCall.Calculator, CspCall.Add(3, 4)),
            CspCall.Request("two", CspCall.Calculator, new JsonObject { ["action"] = "divide", ["a"] = 1, ["b"] = 0 }),
            JsonValue.Create(42),
            CspCall.Request(3, "io.example:nothing:1", CspCall.Add(1, 2)),
            // Log, not the reload probe: the probe's 1 s timeout (set for the timeout tests) can pass on a loaded machine.
            CspCall.Request(4, "io.switchboard:log:1", new JsonObject { ["message"] = "last" }));

        var answer = await _http.PostAsync(batch);

        answer.Status.Should().Be(HttpStatusCode.OK, answer.Text);
        var replies = answer.Json.AsArray();
        replies.Should().HaveCount(5, answer.Text);
        // Each step names the whole reply when it is missing, so a failure says what came back.
        JsonNode At(int reply, params string[] path)
        {
            var node = replies[reply];
            foreach (var step in path)
                node = node?[step];
            node.Should().NotBeNull($"reply {reply} should have {string.Join('.', path)}: {answer.Text}");
            return node!;
        }
        At(0, "id").GetValue<int>().Should().Be(1);
        At(0, "result", "output", "result").GetValue<double>().Should().Be(3);
        At(1, "id").GetValue<string>().Should().Be("two");
        At(1, "error", "data", "errorCode").GetValue<string>().Should().Be("DivisionByZero");
        replies[2]!["id"].Should().BeNull(answer.Text);
        At(2, "error", "code").GetValue<int>().Should().Be(-32600);
        At(3, "error", "code").GetValue<int>().Should().Be(-32601);
        At(4, "id").GetValue<int>().Should().Be(4);
        At(4, "result", "output");
    }

    [Fact]
    public async Task A_batch_of_notifications_only_gets_204()
    {
        var batch = new JsonArray(
            CspCall.Request(null, CspCall.Calculator, CspCall.Add(1, 2)),
            CspCall.Request(null, CspCall.Calculator, CspCall.Add(3, 4)));

        var answer = await _http.PostAsync(batch);

        answer.Status.Should().Be(HttpStatusCode.NoContent);
        answer.Text.Should().BeEmpty();
    }

    [Fact]
    public async Task An_empty_or_oversized_batch_is_one_invalid_request_error()
    {
        var empty = await _http.PostAsync("[]");
        var tooMany = await _http.PostAsync(new JsonArray(Enumerable.Range(0, 101)
            .Select(i => (JsonNode?)CspCall.Request(i, CspCall.Calculator, CspCall.Add(i, 1))).ToArray()));

        empty.ErrorCode.Should().Be(-32600);
        empty.Json["id"].Should().BeNull();
        tooMany.ErrorCode.Should().Be(-32600);
        tooMany.ErrorData!["errorMessage"]!.GetValue<string>().Should().Contain("at most 100");
    }

    [Fact]
    public async Task The_connector_list_keeps_the_reference_shape_keyed_by_type()
    {
        var list = JsonNode.Parse(await _http.GetStringAsync("/csp/connectors"))!.AsObject();

        list.Select(p => p.Key).Should().BeEquivalentTo(CspCall.Calculator, "io.switchboard:log:1", CspCall.Probe, CspCall.Faults);
        list.Should().OnlyContain(p => p.Value!.GetValue<string>() == p.Key);
    }

    [Fact]
    public async Task A_connector_details_name_its_operations_and_input_fields()
    {
        var details = JsonNode.Parse(await _http.GetStringAsync("/csp/connectors/" + CspCall.Probe))!;
        var missing = await _http.GetAsync("/csp/connectors/io.example:nothing:1");

        details["operations"]!.AsArray().Select(o => o!["id"]!.GetValue<string>()).Should().Equal("identify", "fail", "wait");
        details["operations"]![2]!["timeoutSeconds"]!.GetValue<double>().Should().Be(3, "Plugins:ReloadProbe:TimeoutSeconds overrides the declared 5 s");
        details["operations"]![2]!["input"]!.AsArray().Select(p => p!["id"]!.GetValue<string>()).Should().Equal("milliseconds", "ignoreCancellation", "releaseFile");
        missing.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Health_answers_healthy()
    {
        var health = await _http.GetAsync("/health");

        health.StatusCode.Should().Be(HttpStatusCode.OK);
        JsonNode.Parse(await health.Content.ReadAsStringAsync())!["status"]!.GetValue<string>().Should().Be("healthy");
    }
}
