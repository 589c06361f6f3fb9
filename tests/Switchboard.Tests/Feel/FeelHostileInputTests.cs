using System.Text.Json.Nodes;
using Switchboard.Feel;
using Switchboard.Feel.Connectors;

namespace Switchboard.Tests.Feel;

/// <summary>Expressions and JSON that got past the engine's budget, or out of the one exception type its callers catch
/// (<see cref="FeelExpressionException"/>): each failed the job as a host error (one retry fewer, the connector run
/// again) or took hundreds of megabytes.</summary>
public sealed class FeelHostileInputTests
{
    private readonly FeelEngine _engine = new(new Microsoft.Extensions.Time.Testing.FakeTimeProvider());

    // 40,000 characters, for about 15,000 steps of the 1,000,000 an evaluation may take.
    private const string Forty = "string join(for i in 1..5000 return \"xxxxxxxx\")";

    [Fact]
    public void A_replace_whose_answer_is_quadratic_in_its_input_is_stopped_not_an_OutOfMemoryException()
    {
        // 40,001 empty matches, each replaced by the 40,000 characters: 1.6 billion characters, past what a string holds.
        var result = _engine.Parse("{s: " + Forty + ", r: replace(s, \"\", s)}.r").EvaluateValue(null);

        result.Value.Should().BeNull();
        StoppedOrTimedOut(result.Stopped, result.Warnings);
    }

    // The budget stops it after about 8 million characters; on a machine loaded enough, the regular expression's own
    // 200 ms timeout (a null with a warning) may come first. Either way it ends bounded, with no exception.
    private static void StoppedOrTimedOut(string? stopped, IReadOnlyList<string> warnings) =>
        (stopped?.Contains("1,000,000 steps") == true || warnings.Any(w => w.Contains("timed out", StringComparison.OrdinalIgnoreCase)))
            .Should().BeTrue($"stopped: {stopped}; warnings: {string.Join("; ", warnings)}");

    [Fact]
    public void A_result_mapping_with_a_quadratic_replace_fails_the_mapping_instead_of_throwing_out_of_it()
    {
        var outcome = ResultMapping.Apply("={x: {s: " + Forty + ", r: replace(s, \"\", s)}.r}", JsonNode.Parse("{}"), _engine);

        if (outcome.Succeeded)
            outcome.Variables!["x"].Should().BeNull("only the regular expression's timeout may come first");
        StoppedOrTimedOut(outcome.Error, outcome.Warnings);
    }

    [Fact]
    public void Replace_still_substitutes_groups()
    {
        _engine.Evaluate("replace(\"abc\", \"(b)\", \"[$1]\")", null).Value!.GetValue<string>().Should().Be("a[b]c");
    }

    [Theory]
    [InlineData("string length(string join(for i in 1..2500 return s))")]
    [InlineData("string length(string(for i in 1..2500 return s))")]
    [InlineData("string length(to json(for i in 1..2500 return s))")]
    public void A_function_building_a_string_from_many_references_to_one_large_string_is_stopped_before_it_builds_it(string body)
    {
        // 2,500 references to one string are 2,500 steps; the text they make is 100 million characters, which was built
        // whole before the budget was charged for it.
        var before = GC.GetAllocatedBytesForCurrentThread();

        var result = _engine.Parse("{s: " + Forty + ", r: " + body + "}.r").EvaluateValue(null);

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        result.Stopped.Should().Contain("1,000,000 steps");
        allocated.Should().BeLessThan(64_000_000, "a hostile expression stops within a few megabytes");
    }

    [Fact]
    public void A_result_holding_one_large_string_many_times_over_is_refused_before_it_is_written()
    {
        // 100,000 references to a 40,000-character string pass the step budget and the count of values, and were 4 billion
        // characters of JSON when the job's variables were written.
        var outcome = ResultMapping.Apply("={a: {s: " + Forty + ", r: for i in 1..100000 return s}.r}", JsonNode.Parse("{}"), _engine);

        outcome.Succeeded.Should().BeFalse();
        outcome.Error.Should().Contain("16,000,000 characters");
    }

    [Fact]
    public void A_connector_answer_holding_an_escaped_lone_surrogate_is_mapped_with_U_FFFD_in_its_place()
    {
        // Valid JSON (RFC 8259 allows any \u escape): text a service cut between the two halves of a pair.
        var response = JsonNode.Parse("""{"id": 7, "title": "truncated \ud83d", "pair": "\ud83d\ude00"}""");

        var outcome = ResultMapping.Apply("={id: response.id, title: response.title, pair: response.pair}", response, _engine);

        outcome.Error.Should().BeNull();
        outcome.Variables!["id"]!.GetValue<decimal>().Should().Be(7);
        outcome.Variables["title"]!.GetValue<string>().Should().Be("truncated \uFFFD");
        outcome.Variables["pair"]!.GetValue<string>().Should().Be("\U0001F600");
    }

    [Fact]
    public void An_answer_with_a_key_that_is_not_text_reads_as_null_instead_of_throwing_out_of_the_mapping()
    {
        // System.Text.Json gives no way to such a key of a parsed object; no expression could name it anyway.
        var outcome = ResultMapping.Apply("={id: response.id}", JsonNode.Parse("""{"id": 7, "odd": {"k\ud800": 1}}"""), _engine);

        outcome.Variables!["id"].Should().BeNull();
    }

    [Fact]
    public void An_error_expression_over_an_answer_holding_an_escaped_lone_surrogate_decides()
    {
        var response = JsonNode.Parse("""{"status": "ok", "title": "truncated \ud83d"}""");

        ErrorMapping.Decide("=if response.status = \"ok\" then null else bpmnError(\"E\", \"m\")", response, null, 3, _engine)
            .Should().BeOfType<ErrorDecision.None>();
    }

    [Fact]
    public void From_json_of_an_escaped_lone_surrogate_reads_it_as_U_FFFD()
    {
        _engine.Evaluate("from json(\"\\\"a\\\\ud800b\\\"\")", null).Value!.GetValue<string>().Should().Be("a\uFFFDb");
    }

    // A service echoing a form or merging two objects as text can name a member twice. Camunda's runtime reads such JSON
    // with Jackson: the last value counts, in the first one's place. It was null here, with an ArgumentException's text
    // as the warning.
    [Fact]
    public void From_json_of_text_naming_a_member_twice_keeps_the_last_value_in_the_first_ones_place()
    {
        var result = _engine.Evaluate("from json(\"{\\\"a\\\": 1, \\\"b\\\": {\\\"c\\\": 2, \\\"c\\\": 4}, \\\"a\\\": 3}\")", null);

        result.Warnings.Should().BeEmpty();
        result.Value!.ToJsonString().Should().Be("""{"a":3,"b":{"c":4}}""");
    }

    [Fact]
    public void Zero_to_a_negative_power_is_null_with_a_warning_not_a_stopped_evaluation()
    {
        var result = _engine.Parse("{a: 0 ** -1, b: 2}").EvaluateValue(null);

        result.Stopped.Should().BeNull();
        result.Warnings.Should().Contain(w => w.Contains("division by zero"));
    }

    [Fact]
    public void A_time_offset_beyond_18_hours_is_null_with_a_warning()
    {
        // It was taken and printed as +00:00: a time that says another zone than it was given.
        var result = _engine.Parse("time(1, 1, 1, duration(\"P1000D\"))").EvaluateValue(null);

        result.Value.Should().BeNull();
        result.Warnings.Should().Contain(w => w.Contains("18 hours"));
        _engine.Evaluate("string(time(1, 1, 1, duration(\"-PT5H\")))", null).Value!.GetValue<string>().Should().Be("01:01:01-05:00");
    }
}
