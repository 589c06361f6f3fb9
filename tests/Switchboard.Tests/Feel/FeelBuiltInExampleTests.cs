using System.Text.Json.Nodes;
using Switchboard.Feel;

namespace Switchboard.Tests.Feel;

/// <summary>Built-ins the reference engine (feelin) lacks, checked against the examples their definitions give: the DMN
/// specification's table of range-function examples, and Camunda's documentation of its extensions.</summary>
public sealed class FeelBuiltInExampleTests
{
    private readonly FeelEngine _engine = new();

    private string? Eval(string expression) => _engine.Evaluate(expression, new JsonObject()).Value?.ToJsonString();

    [Theory]
    [InlineData("overlaps before([1..5], [3..8])", true)]
    [InlineData("overlaps before([1..5], [6..8])", false)]
    [InlineData("overlaps before([1..5], [5..8])", true)]
    [InlineData("overlaps before([1..5], (5..8])", false)]
    [InlineData("overlaps before([1..5), [5..8])", false)]
    [InlineData("overlaps before([1..5), (1..5])", true)]
    [InlineData("overlaps before([1..5], (1..5])", true)]
    [InlineData("overlaps before([1..5), [1..5])", false)]
    [InlineData("overlaps before([1..5], [1..5])", false)]
    [InlineData("overlaps after([3..8], [1..5])", true)]
    [InlineData("overlaps after([6..8], [1..5])", false)]
    [InlineData("overlaps after([5..8], [1..5])", true)]
    [InlineData("overlaps after((5..8], [1..5])", false)]
    [InlineData("overlaps after([5..8], [1..5))", false)]
    [InlineData("overlaps after((1..5], [1..5))", true)]
    [InlineData("overlaps after((1..5], [1..5])", true)]
    [InlineData("overlaps after([1..5], [1..5))", false)]
    [InlineData("overlaps after([1..5], [1..5])", false)]
    [InlineData("finishes(10, [1..10])", true)]
    [InlineData("finishes(10, [1..10))", false)]
    [InlineData("finishes([5..10], [1..10])", true)]
    [InlineData("finishes([5..10), [1..10])", false)]
    [InlineData("finishes([5..10), [1..10))", true)]
    [InlineData("finishes([1..10], [1..10])", true)]
    [InlineData("finishes((1..10], [1..10])", true)]
    [InlineData("finished by([1..10], 10)", true)]
    [InlineData("finished by([1..10), 10)", false)]
    [InlineData("finished by([1..10], [5..10])", true)]
    [InlineData("finished by([1..10), [5..10))", true)]
    [InlineData("finished by([1..10], (1..10])", true)]
    [InlineData("finished by([1..10], [1..10])", true)]
    [InlineData("during(5, [1..10])", true)]
    [InlineData("during(12, [1..10])", false)]
    [InlineData("during(1, [1..10])", true)]
    [InlineData("during(10, [1..10])", true)]
    [InlineData("during(1, (1..10])", false)]
    [InlineData("during(10, [1..10))", false)]
    [InlineData("during([4..6], [1..10))", true)]
    [InlineData("during([1..5], [1..10])", true)]
    [InlineData("during((1..5], (1..10])", true)]
    [InlineData("during((1..10), [1..10])", true)]
    [InlineData("during([5..10), [1..10))", true)]
    [InlineData("during([1..10), [1..10])", true)]
    [InlineData("during((1..10], [1..10])", true)]
    [InlineData("during([1..10], [1..10])", true)]
    [InlineData("starts(1, [1..5])", true)]
    [InlineData("starts(1, (1..8])", false)]
    [InlineData("starts((1..5], [1..5])", false)]
    [InlineData("starts([1..10], [1..10])", true)]
    [InlineData("starts((1..10), (1..10))", true)]
    [InlineData("started by([1..10], 1)", true)]
    [InlineData("started by((1..10], 1)", false)]
    [InlineData("started by([1..10], [1..5])", true)]
    [InlineData("started by((1..10], [1..5))", false)]
    [InlineData("started by([1..10], [1..10))", true)]
    [InlineData("started by([1..10), [1..10))", true)]
    [InlineData("started by((1..10), (1..10))", true)]
    [InlineData("coincides(5, 5)", true)]
    [InlineData("coincides(3, 4)", false)]
    [InlineData("coincides([1..5], [1..5])", true)]
    [InlineData("coincides((1..5), [1..5))", false)]
    [InlineData("coincides([1..5], [2..6])", false)]
    [InlineData("includes([1..10], [1..10))", true)]
    [InlineData("includes((1..10], (1..10))", true)]
    [InlineData("includes(range(\"[18..21)\"), 18)", true)]
    [InlineData("includes(range(\"[18..21)\"), 21)", false)]
    [InlineData("includes(range(\"<10\"), 9)", true)]
    [InlineData("includes(range(\">= 5\"), 5)", true)]
    [InlineData("before(range(\"<10\"), 10)", true)]
    [InlineData("after(range(\">10\"), 10)", true)]
    [InlineData("includes(range(\"[@\\\"2024-01-01\\\"..@\\\"2024-12-31\\\"]\"), date(\"2024-06-30\"))", true)]
    public void Range_functions_give_the_DMN_specifications_example_results(string expression, bool expected) =>
        Eval(expression).Should().Be(expected ? "true" : "false");

    [Theory]
    [InlineData("extract(\"references are 1234, 1256, 1378\", \"12[0-9]*\")", "[\"1234\",\"1256\"]")]
    [InlineData("is blank(\"\")", "true")]
    [InlineData("is blank(\" \")", "true")]
    [InlineData("is blank(\"hello world\")", "false")]
    [InlineData("to base64(\"FEEL\")", "\"RkVFTA==\"")]
    [InlineData("partition([1, 2, 3, 4, 5], 2)", "[[1,2],[3,4],[5]]")]
    [InlineData("duplicate values([1, 2, 3, 2, 4])", "[2]")]
    [InlineData("to json({a: 1, b: true})", "\"{\\u0022a\\u0022:1,\\u0022b\\u0022:true}\"")]
    [InlineData("from json(\"{\\\"a\\\": 1, \\\"b\\\": true}\")", "{\"a\":1,\"b\":true}")]
    [InlineData("last day of month(date(\"2022-10-01\"))", "\"2022-10-31\"")]
    [InlineData("last day of month(date(\"2024-02-10\"))", "\"2024-02-29\"")]
    [InlineData("is defined(1)", "true")]
    [InlineData("is defined(null)", "false")]
    [InlineData("list replace([2, 4, 7, 8], 3, 6)", "[2,4,6,8]")]
    [InlineData("list replace([2, 4, 7, 8], function(item, newItem) item < newItem, 5)", "[5,5,7,8]")]
    [InlineData("week of year(date(2019, 9, 17))", "38")]
    [InlineData("is(date(\"2012-12-25\"), time(\"23:00:50\"))", "false")]
    [InlineData("is(date(\"2012-12-25\"), date(\"2012-12-25\"))", "true")]
    [InlineData("is(time(\"23:00:50z\"), time(\"23:00:50\"))", "false")]
    public void Camunda_extensions_and_DMN_1_5_additions_give_their_documented_results(string expression, string expected) =>
        Eval(expression).Should().Be(expected);

    [Fact]
    public void Uuid_and_random_number_give_fresh_values_of_their_shape()
    {
        var first = _engine.Evaluate("uuid()", new JsonObject()).Value!.GetValue<string>();
        var second = _engine.Evaluate("uuid()", new JsonObject()).Value!.GetValue<string>();
        var random = _engine.Evaluate("random number()", new JsonObject()).Value!.GetValue<decimal>();

        Guid.TryParse(first, out _).Should().BeTrue(first);
        second.Should().NotBe(first);
        random.Should().BeGreaterThanOrEqualTo(0).And.BeLessThan(1);
    }
}
