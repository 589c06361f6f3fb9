using System.Text.Json.Nodes;
using Switchboard.Feel;
using Switchboard.Feel.Connectors;

namespace Switchboard.Tests.Feel;

/// <summary>Expressions come from process models and activations, so they may be wrong or hostile: one that iterates
/// without end, builds a string by doubling it, or nests its result thousands deep must stop with a message saying
/// why, never hold a thread, fill the memory or overflow the stack (which ends the host's process).</summary>
public class FeelLimitTests
{
    // On a clock that does not move, so that the step limits are what stops these expressions however slow the machine
    // is (on the system clock a busy machine could reach the 2 s limit first); the time limit is tested on the system clock.
    private readonly FeelEngine _engine = new(new Microsoft.Extensions.Time.Testing.FakeTimeProvider());

    [Fact]
    public void Partial_in_a_for_loop_is_the_results_so_far_and_returning_it_makes_no_cycle()
    {
        // The list being built, handed out as "partial" and returned, held itself: writing it as JSON never ended and
        // the stack overflow killed the host (a webhook's resultExpression was enough).
        var value = _engine.Evaluate("for i in 1..3 return partial", null).Value;

        value!.ToJsonString().Should().Be("[[],[[]],[[],[[]]]]");
        _engine.Evaluate("for i in 1..4 return if i = 1 then 1 else partial[-1] * 2", null).Value!.ToJsonString()
            .Should().Be("[1,2,4,8]", "partial reads the results so far, as before");
    }

    [Theory]
    [InlineData("count(for i in 1..2000000 return i)")]
    [InlineData("count(for i in 1..2000, j in 1..1000 return i)")]
    [InlineData("some i in 1..2000000 satisfies i < 0")]
    [InlineData("string length(for i in 1..25 return if i = 1 then \"ab\" else partial[-1] + partial[-1])")]
    [InlineData("count(for i in 1..25 return if i = 1 then [1] else concatenate(partial[-1], partial[-1]))")]
    [InlineData("{f: function(n) if n = 0 then 0 else f(n - 1) + f(n - 1), r: f(40)}.r")]
    public void An_expression_doing_far_more_work_than_a_mapping_needs_is_stopped_naming_the_limit(string expression)
    {
        var evaluate = () => _engine.Evaluate(expression, null);

        evaluate.Should().Throw<FeelEvaluationException>().WithMessage("*stopped after 1,000,000 steps*");
        var result = _engine.Parse(expression).EvaluateValue(null);
        result.Value.Should().BeNull();
        result.Stopped.Should().Contain("1,000,000 steps");
        result.Warnings.Should().Contain(result.Stopped);
    }

    [Fact]
    public void A_limit_reached_inside_a_function_that_sort_calls_back_is_still_the_limit()
    {
        var result = _engine.Parse("sort(for i in 1..600 return i, function(x, y) count(for j in 1..5000 return j) > 0)").EvaluateValue(null);

        result.Stopped.Should().Contain("1,000,000 steps");
    }

    [Fact]
    public void A_result_nested_deeper_than_the_host_reads_json_is_refused_instead_of_written()
    {
        // Each item holds the one before: 1,200 levels, within the step budget.
        var evaluate = () => _engine.Evaluate("for i in 1..1200 return [partial[-1]]", null);

        evaluate.Should().Throw<FeelEvaluationException>().WithMessage("*nested deeper than 1000 levels*");
    }

    [Fact]
    public void A_result_mapping_stopped_at_a_limit_fails_the_job_naming_it()
    {
        var outcome = ResultMapping.Apply("={all: for i in 1..2000000 return i}", JsonNode.Parse("{}"), _engine);

        outcome.Succeeded.Should().BeFalse();
        outcome.Error.Should().StartWith("resultExpression could not be evaluated: ").And.Contain("1,000,000 steps");

        var nested = ResultMapping.Apply("={deep: for i in 1..1200 return [partial[-1]]}", JsonNode.Parse("{}"), _engine);
        nested.Error.Should().Contain("nested deeper than 1000 levels");
    }

    [Fact]
    public void An_error_expression_stopped_at_a_limit_is_an_invalid_expression_not_no_error()
    {
        // Read as null, "no error", a connector's failure would have completed the job as a success.
        var decision = ErrorMapping.Decide("=if count(for i in 1..2000000 return i) > 0 then bpmnError(\"E\", \"m\") else null", JsonNode.Parse("{}"), null, retries: 3, engine: _engine);

        decision.Should().BeOfType<ErrorDecision.Invalid>().Which.Message.Should().Contain("errorExpression").And.Contain("1,000,000 steps");
    }

    [Fact]
    public void Ordinary_mappings_stay_well_within_the_limits()
    {
        var items = new JsonArray([.. Enumerable.Range(1, 5000).Select(i => (JsonNode)new JsonObject { ["name"] = "item " + i, ["price"] = i })]);
        var variables = new JsonObject { ["response"] = new JsonObject { ["body"] = new JsonObject { ["items"] = items } } };

        var result = _engine.Evaluate("{names: for p in response.body.items return upper case(p.name), total: sum(response.body.items.price), cheap: response.body.items[price < 100].name}", variables);

        result.Value!["names"]!.AsArray().Should().HaveCount(5000);
        result.Value["total"]!.GetValue<decimal>().Should().Be(12_502_500);
        result.Value["cheap"]!.AsArray().Should().HaveCount(99);
    }

    [Theory]
    // Thirty levels of two references to the level below: a list of 60 references that prints, compares and
    // flattens as a billion items.
    [InlineData("string((for i in 1..30 return if i = 1 then [1] else [partial[-1], partial[-1]])[-1])")]
    [InlineData("{x: (for i in 1..30 return if i = 1 then [1] else [partial[-1], partial[-1]])[-1], same: x = x}.same")]
    [InlineData("count(flatten((for i in 1..30 return if i = 1 then [1] else [partial[-1], partial[-1]])[-1]))")]
    public void Walking_a_value_that_stands_for_far_more_than_it_holds_is_paid_for_in_steps(string expression)
    {
        var result = _engine.Parse(expression).EvaluateValue(null);

        result.Stopped.Should().Contain("1,000,000 steps");
    }

    [Fact]
    public void A_path_of_keys_deeper_than_the_stack_allows_stops_the_evaluation_instead_of_the_process()
    {
        var result = _engine.Parse("context put({}, for i in 1..200000 return \"a\", 1)").EvaluateValue(null);

        result.Stopped.Should().NotBeNull("200,000 nested contexts are written one stack frame each");
    }

    [Fact]
    public void An_expression_that_runs_past_two_seconds_is_stopped_though_it_takes_few_steps()
    {
        // Each match backtracks until the regular expression's own 200 ms timeout: 2,000 of them would take 400 s.
        var result = new FeelEngine().Parse("count(for i in 1..2000 return matches(\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!\", \"^(a+)+$\"))").EvaluateValue(null);

        result.Stopped.Should().Contain("stopped after 2 s");
        // Each timed-out match leaves a warning: the evaluation stopped after a handful of them, not after all 2,000.
        result.Warnings.Count.Should().BeLessThan(100, "the clock is read between calls, whether a call returned or failed");
    }

    [Theory]
    [InlineData("for i in 79228162514264337593543950334..79228162514264337593543950335 return i", "[79228162514264337593543950334,79228162514264337593543950335]")]
    [InlineData("for i in 79228162514264337593543950335..79228162514264337593543950334 return i", "[79228162514264337593543950335,79228162514264337593543950334]")]
    [InlineData("for i in 1..3.5 return i", "[1,2,3]")]
    [InlineData("[1][100000000000000000000]", null)]
    [InlineData("duration(\"P999999999Y\")", null)]
    [InlineData("duration(\"P99999999999999999999D\")", null)]
    [InlineData("duration(\"P178956970Y\") + duration(\"P178956970Y\")", null)]
    [InlineData("duration(\"P178956970Y\") > duration(\"P1Y\")", "true")]
    public void Numbers_at_the_ends_of_their_range_give_values_or_null_never_a_wrapped_value_or_an_escaping_exception(string expression, string? json)
    {
        // An OverflowException escaped the engine: a Zeebe job was never failed, a webhook answered 500; and a
        // years-months duration wrapped around to a negative one.
        var result = _engine.Evaluate(expression, null);

        (result.Value?.ToJsonString()).Should().Be(json, string.Join("; ", result.Warnings));
        if (json is null)
            result.Warnings.Should().NotBeEmpty();
    }

    [Fact]
    public void An_error_expression_with_a_retry_backoff_beyond_any_duration_is_still_decided()
    {
        var decision = ErrorMapping.Decide("={errorType: \"jobError\", message: \"stop\", retries: 2, retryBackoff: \"P99999999999999999999D\"}", JsonNode.Parse("{}"), null, retries: 3);

        // Decided as an invalid expression naming the backoff; it was a job error with no backoff at all.
        decision.Should().BeOfType<ErrorDecision.Invalid>().Which.Message.Should().Contain("retryBackoff 'P99999999999999999999D'");
    }
}
