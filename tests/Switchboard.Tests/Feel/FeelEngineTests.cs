using System.Text.Json.Nodes;
using Switchboard.Feel;

namespace Switchboard.Tests.Feel;

public class FeelEngineTests
{
    private readonly FeelEngine _engine = new();

    private JsonNode? Eval(string expression, string variables = "{}") =>
        _engine.Evaluate(expression, JsonNode.Parse(variables)!.AsObject()).Value;

    [Theory]
    [InlineData("1 +", 1, 4, "unexpected end of expression")]
    [InlineData("{a: 1,\n  b: }", 2, 6, "unexpected '}'")]
    [InlineData("\"open", 1, 1, "unterminated string")]
    [InlineData("upper case(\"a\"", 1, 15, "expected ')'")]
    [InlineData("a # b", 1, 3, "unexpected character '#'")]
    [InlineData("if x then 1", 1, 12, "expected 'else'")]
    [InlineData("{a: 1, a: 2}", 1, 8, "duplicate context key 'a'")]
    public void Syntax_errors_name_line_column_and_problem(string expression, int line, int column, string problem)
    {
        var act = () => _engine.Parse(expression);

        var error = act.Should().Throw<FeelException>().Which;
        error.Line.Should().Be(line);
        error.Column.Should().Be(column);
        error.Message.Should().Contain(problem).And.Contain($"line {line}, column {column}");
    }

    [Fact]
    public void A_syntax_error_and_a_stopped_evaluation_are_one_kind_of_failure_each_saying_what_happened()
    {
        var syntax = ((Action)(() => _engine.Parse("1 +"))).Should().Throw<FeelExpressionException>().Which;
        var stopped = ((Action)(() => _engine.Evaluate("count(for i in 1..100000000 return i)", null))).Should().Throw<FeelExpressionException>().Which;

        syntax.Should().BeOfType<FeelException>();
        syntax.About("resultExpression").Should().Be("resultExpression is not valid FEEL: " + syntax.Message);
        stopped.Should().BeOfType<FeelEvaluationException>();
        stopped.About("inbound.responseExpression").Should().StartWith("inbound.responseExpression could not be evaluated: the expression was stopped after");
    }

    [Theory]
    [InlineData("substring(1, \"x\")")]
    [InlineData("a.b.c + 1")]
    [InlineData("date(\"2024-02-30\")")]
    [InlineData("[1, 2][5]")]
    [InlineData("1 / 0")]
    [InlineData("matches(\"a\", \"(\")")]
    [InlineData("missing(1)")]
    public void Evaluation_problems_give_null_and_a_warning_instead_of_throwing(string expression)
    {
        var result = _engine.Evaluate(expression, new JsonObject());

        result.Value.Should().BeNull();
        result.Warnings.Should().NotBeEmpty();
    }

    [Fact]
    public void Parsed_expressions_are_cached_by_text_and_the_cache_stays_bounded()
    {
        var engine = new FeelEngine(cacheCapacity: 3);

        engine.Parse("1 + 1").Should().BeSameAs(engine.Parse("1 + 1"));
        for (var i = 0; i < 10; i++)
            engine.Parse($"{i} + 1");

        engine.CachedCount.Should().BeLessThanOrEqualTo(3);
    }

    [Fact]
    public void An_expression_of_a_megabyte_is_not_kept_by_the_cache_after_its_use()
    {
        // A token count bounds a parsed tree, not a string literal in it: a thousand such expressions in process
        // models were all kept, a gigabyte and more.
        var engine = new FeelEngine();

        var parsed = ParseAndForget(engine, "\"" + new string('a', 1_000_000) + "\"");
        GC.Collect();
        GC.WaitForPendingFinalizers();

        parsed.IsAlive.Should().BeFalse("an expression this large is parsed for each use, not kept");
        engine.Parse("\"" + new string('a', 1_000) + "\"").Should().BeSameAs(engine.Parse("\"" + new string('a', 1_000) + "\""));
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static WeakReference ParseAndForget(FeelEngine engine, string expression)
    {
        return new WeakReference(engine.Parse(expression));
    }

    [Fact]
    public void The_cache_keeps_at_most_its_budget_of_characters()
    {
        var engine = new FeelEngine(cacheCharacters: 1_000);

        for (var i = 0; i < 100; i++)
            engine.Parse($"\"{i:D40}\" + \"x\""); // 49 characters each

        engine.CachedCount.Should().BeGreaterThan(0).And.BeLessThanOrEqualTo(1_000 / 49);
    }

    [Fact]
    public void Header_values_with_equals_are_feel_and_others_are_literal_strings()
    {
        var variables = new JsonObject { ["x"] = 2 };

        _engine.EvaluateHeader("=x * 21", variables).Value!.GetValue<decimal>().Should().Be(42);
        _engine.EvaluateHeader("x * 21", variables).Value!.GetValue<string>().Should().Be("x * 21");
    }

    [Fact]
    public void Result_contexts_keep_key_order_and_come_back_as_json()
    {
        var result = Eval("{z: 1, a: [1.50, \"s\", null, true], m: {k: date(\"2024-01-15\")}}");

        result!.ToJsonString().Should().Be("""{"z":1,"a":[1.5,"s",null,true],"m":{"k":"2024-01-15"}}""");
    }

    [Fact]
    public void Now_and_today_read_the_given_clock()
    {
        var engine = new FeelEngine(new FixedClock(new DateTimeOffset(2025, 6, 30, 23, 59, 58, TimeSpan.Zero)));

        engine.Evaluate("now()", null).Value!.GetValue<string>().Should().Be("2025-06-30T23:59:58Z");
        engine.Evaluate("today()", null).Value!.GetValue<string>().Should().Be("2025-06-30");
        engine.Evaluate("now() + duration(\"PT2S\")", null).Value!.GetValue<string>().Should().Be("2025-07-01T00:00:00Z");
    }

    [Theory]
    [InlineData("(function(x) x + 1)(41)", "42")]
    [InlineData("{inc: function(n) n + 1, r: inc(1)}.r", "2")]
    [InlineData("for i in 1..2 return list[i]", "[10,20]")]
    [InlineData("list[-1]", "30")]
    [InlineData("for x in [1,2], y in [x] return x * y", "[1,4]")]
    [InlineData("for x in 1..3 return if x = 1 then x else partial[-1] + x", "[1,3,6]")]
    [InlineData("`with space` + 1", "2")]
    [InlineData("string join(list: [\"a\", \"b\"], delimiter: \"-\")", "\"a-b\"")]
    [InlineData("date and time(\"2024-01-15T10:00:00+02:00\") = date and time(\"2024-01-15T08:00:00Z\")", "true")]
    [InlineData("decimal(1/3, 4) * 3", "0.9999")]
    [InlineData("0.1 + 0.2 = 0.3", "true")]
    [InlineData("// comment\n 1 /* inline */ + 1", "2")]
    public void Evaluates(string expression, string expected)
    {
        Eval(expression, """{"list":[10,20,30],"with space":1}""")!.ToJsonString().Should().Be(expected);
    }

    [Fact]
    public void Parsed_expressions_evaluate_concurrently()
    {
        var compiled = _engine.Parse("sum(for i in items return i * k)");

        var results = Enumerable.Range(1, 200).AsParallel().Select(k =>
            compiled.Evaluate(new JsonObject { ["items"] = new JsonArray(1, 2, 3), ["k"] = k }).Value!.GetValue<decimal>()).ToList();

        results.Should().Equal(Enumerable.Range(1, 200).Select(k => 6m * k));
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}

public class FeelEngineLimitTests
{
    [Fact]
    public void Hostile_nesting_is_a_syntax_error_not_a_crash()
    {
        var engine = new FeelEngine();

        var parens = () => engine.Parse(new string('(', 300) + "1" + new string(')', 300));
        var negations = () => engine.Parse(string.Concat(Enumerable.Repeat("- ", 300)) + "1");

        parens.Should().Throw<FeelException>().WithMessage("*nested deeper than 200 levels*");
        negations.Should().Throw<FeelException>().WithMessage("*nested deeper than 200 levels*");
    }

    [Fact]
    public void A_lambda_calling_itself_forever_gives_null_with_a_warning()
    {
        var result = new FeelEngine().Evaluate("{f: function(n) f(n + 1), r: f(1)}.r", null);

        result.Value.Should().BeNull();
        result.Warnings.Should().Contain(w => w.Contains("nested deeper than"));
    }

    [Fact]
    public void The_longest_operator_chain_accepted_evaluates_and_longer_ones_are_refused()
    {
        var engine = new FeelEngine();
        var longest = string.Join(" + ", Enumerable.Repeat("1", 1999));

        var tooLong = () => engine.Parse(longest + " + 1 + 1");

        engine.Evaluate(longest, null).Value!.GetValue<decimal>().Should().Be(1999);
        tooLong.Should().Throw<FeelException>().WithMessage("*more than 4000 tokens*");
    }

    [Fact]
    public void On_a_tiny_thread_stack_a_deep_chain_gives_null_with_a_warning_instead_of_crashing()
    {
        var engine = new FeelEngine();
        var chain = string.Join(" + ", Enumerable.Repeat("1", 1999));
        FeelResult? result = null;

        var thread = new Thread(() => result = engine.Evaluate(chain, null), 256 * 1024);
        thread.Start();
        thread.Join();

        result!.Value.Should().BeNull();
        result.Warnings.Should().Contain(w => w.Contains("nested too deeply"));
    }
}
