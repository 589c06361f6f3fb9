using System.Text.Json.Nodes;
using Switchboard.Feel;
using Switchboard.Feel.Connectors;

namespace Switchboard.Tests.Feel;

public class ConnectorMappingTests
{
    private static readonly JsonNode Response = JsonNode.Parse("""
        {"status": 200, "body": {"id": 7, "items": [{"name": "a", "price": 2}, {"name": "b", "price": 3.5}]}}
        """)!;

    [Fact]
    public void Connector_functions_return_the_contexts_camunda_returns()
    {
        var engine = new FeelEngine();

        engine.Evaluate("bpmnError(\"E1\", \"went wrong\")", null).Value!.ToJsonString()
            .Should().Be("""{"errorType":"bpmnError","code":"E1","message":"went wrong"}""");
        engine.Evaluate("bpmnError(\"E1\", \"m\", {a: 1})", null).Value!.ToJsonString()
            .Should().Be("""{"errorType":"bpmnError","code":"E1","message":"m","variables":{"a":1}}""");
        engine.Evaluate("jobError(\"failed\")", null).Value!.ToJsonString()
            .Should().Be("""{"errorType":"jobError","message":"failed","variables":{},"retries":0,"retryBackoff":"PT0S"}""");
        engine.Evaluate("jobError(\"failed\", {x: 1}, 3, duration(\"PT30S\"))", null).Value!.ToJsonString()
            .Should().Be("""{"errorType":"jobError","message":"failed","variables":{"x":1},"retries":3,"retryBackoff":"PT30S"}""");
        engine.Evaluate("ignoreError()", null).Value!.ToJsonString().Should().Be("""{"errorType":"ignoreError"}""");
        engine.Evaluate("ignoreError({done: true})", null).Value!.ToJsonString().Should().Be("""{"errorType":"ignoreError","variables":{"done":true}}""");
        engine.Evaluate("bpmnError(1, \"m\")", null).Value.Should().BeNull("a code must be a string");
    }

    [Fact]
    public void Backoff_grows_by_factor_within_bounds_and_jitter()
    {
        var engine = new FeelEngine();
        TimeSpan Backoff(string call) => (TimeSpan)Switchboard.Feel.Values.FeelIso.ParseDuration(engine.Evaluate(call, null).Value!.GetValue<string>())!;

        Backoff("backoff(3, duration(\"PT1S\"), 2, duration(\"PT10S\"), 0)").Should().Be(TimeSpan.FromSeconds(4));
        Backoff("backoff(10, duration(\"PT1S\"), 2, duration(\"PT10S\"), 0)").Should().Be(TimeSpan.FromSeconds(10));
        for (var i = 0; i < 20; i++)
            Backoff("backoff(1)").TotalMilliseconds.Should().BeInRange(45, 55, "50 ms ± 10 % by default");
        engine.Evaluate("backoff(0)", null).Value.Should().BeNull();
    }

    [Fact]
    public void Result_expression_context_becomes_the_variables_with_output_fields_and_response_in_scope()
    {
        var outcome = ResultMapping.Apply("={id: response.body.id, names: body.items.name, total: sum(body.items.price), ok: status = 200}", Response);

        outcome.Succeeded.Should().BeTrue();
        outcome.Variables!.ToJsonString().Should().Be("""{"id":7,"names":["a","b"],"total":5.5,"ok":true}""");
    }

    [Theory]
    [InlineData("=response.body.id", "yielded a number, expected a context")]
    [InlineData("=response.missing", "yielded null, expected a context (no key 'missing')")]
    [InlineData("={id: response.body.id", "resultExpression is invalid: FEEL syntax error at line 1, column 23")]
    public void Result_expression_that_is_not_a_context_is_an_error_naming_the_problem(string expression, string message)
    {
        var outcome = ResultMapping.Apply(expression, Response);

        outcome.Succeeded.Should().BeFalse();
        outcome.Variables.Should().BeNull();
        outcome.Error.Should().Contain(message);
    }

    [Fact]
    public void Error_expression_on_success_can_throw_a_bpmn_error_from_the_response()
    {
        var decision = ErrorMapping.Decide("=if response.body.id = 7 then bpmnError(\"SEVEN\", \"id was \" + string(body.id), {seen: body.id}) else null", Response, null, retries: 3);

        decision.Should().BeOfType<ErrorDecision.BpmnError>().Which.Should().BeEquivalentTo(new { Code = "SEVEN", Message = "id was 7" });
        ((ErrorDecision.BpmnError)decision).Variables.ToJsonString().Should().Be("""{"seen":7}""");
    }

    [Fact]
    public void Error_expression_on_failure_sees_error_code_message_and_job_retries()
    {
        var failure = new ConnectorFailure("429", "Too Many Requests");

        var decision = ErrorMapping.Decide(
            "=if error.code = \"429\" then jobError(error.message, {limited: true}, job.retries - 1, duration(\"PT45S\")) else null", null, failure, retries: 3);

        var job = decision.Should().BeOfType<ErrorDecision.JobError>().Which;
        job.Message.Should().Be("Too Many Requests");
        job.Retries.Should().Be(2);
        job.RetryBackoff.Should().Be(TimeSpan.FromSeconds(45));
        job.Variables.ToJsonString().Should().Be("""{"limited":true}""");
    }

    [Fact]
    public void Job_error_defaults_to_no_retries_and_no_backoff()
    {
        var decision = ErrorMapping.Decide("=jobError(\"stop\")", Response, null, retries: 3);

        decision.Should().Be(new ErrorDecision.JobError("stop", [], 0, TimeSpan.Zero) with { Variables = ((ErrorDecision.JobError)decision).Variables });
        ((ErrorDecision.JobError)decision).Variables.Should().BeEmpty();
    }

    [Fact]
    public void Ignore_error_completes_with_its_variables()
    {
        var decision = ErrorMapping.Decide("=if error.code = \"404\" then ignoreError({found: false}) else null", null, new ConnectorFailure("404", "Not Found"), 1);

        decision.Should().BeOfType<ErrorDecision.Ignore>().Which.Variables.ToJsonString().Should().Be("""{"found":false}""");
    }

    [Theory]
    [InlineData("=null")]
    [InlineData("={}")]
    [InlineData("=if response.status = 500 then bpmnError(\"X\", \"y\") else null")]
    [InlineData("={errorType: \"bpmnError\", code: \"\", message: \"no code\"}")]
    [InlineData("=response.missing")]
    public void No_error_when_the_result_is_null_empty_or_a_bpmn_error_without_code(string expression)
    {
        ErrorMapping.Decide(expression, Response, null, 3).Should().BeOfType<ErrorDecision.None>();
    }

    [Fact]
    public void A_context_with_a_code_and_no_error_type_is_a_bpmn_error_as_in_older_camunda_templates()
    {
        var decision = ErrorMapping.Decide("={code: \"LEGACY\", message: \"old style\"}", Response, null, 3);

        decision.Should().BeOfType<ErrorDecision.BpmnError>().Which.Code.Should().Be("LEGACY");
    }

    [Theory]
    [InlineData("=bpmnError(\"A\"", "errorExpression is invalid: FEEL syntax error at line 1, column 15")]
    [InlineData("=\"just text\"", "yielded a string, expected a context or null")]
    [InlineData("={errorType: \"panic\"}", "unknown errorType 'panic'")]
    public void Unusable_error_expressions_are_invalid_with_a_clear_message(string expression, string message)
    {
        ErrorMapping.Decide(expression, Response, null, 3).Should().BeOfType<ErrorDecision.Invalid>().Which.Message.Should().Contain(message);
    }
}
