using System.Text.Json.Nodes;
using Switchboard.Plugins.Calculator;
using Switchboard.Core;
using Switchboard.Testing;

namespace Switchboard.Plugins.Tests;

/// <summary>The calculator through the author test kit: same binding, validation and error rules as the host.</summary>
public sealed class CalculatorKitTests
{
    private readonly ConnectorHarness _calculator = ConnectorHarness.For<CalculatorConnector>();

    [Theory]
    [InlineData("add", 6, 3, 9)]
    [InlineData("subtract", 6, 3, 3)]
    [InlineData("multiply", 6, 3, 18)]
    [InlineData("divide", 6, 3, 2)]
    public async Task Calculates_each_action(string action, double a, double b, double expected)
    {
        var result = await _calculator.InvokeAsync(new JsonObject { ["action"] = action, ["a"] = a, ["b"] = b });

        result.Succeeded.Should().BeTrue(result.Error?.Message);
        result.Output!["result"]!.GetValue<double>().Should().Be(expected);
        result.Output["action"]!.GetValue<string>().Should().Be(action, "enums go out in their wire form");
    }

    [Fact]
    public async Task Binds_leniently_like_the_host()
    {
        // Numbers as text and SpiffWorkflow's {"value","typename"} wrapper, unknown fields ignored.
        var result = await _calculator.InvokeAsync("""{"action":"Multiply","a":"2.5","b":{"value":4,"typename":"int"},"extra":true}""");

        result.Output!["result"]!.GetValue<double>().Should().Be(10);
    }

    [Fact]
    public async Task Dividing_by_zero_is_an_input_error_naming_b()
    {
        var result = await _calculator.InvokeAsync("""{"action":"divide","a":1,"b":0}""");

        result.Error!.Kind.Should().Be(ErrorKind.InvalidInput);
        result.Error.Code.Should().Be("DivisionByZero");
        result.Error.Retryable.Should().BeFalse();
        result.Error.FieldErrors.Should().ContainSingle(f => f.Field == "b");
    }

    [Fact]
    public async Task Missing_and_malformed_fields_are_all_reported_at_once()
    {
        var result = await _calculator.InvokeAsync("""{"action":"power","a":"ten"}""");

        result.Error!.Code.Should().Be("InvalidParameters");
        result.Error.FieldErrors.Select(f => f.Field).Should().BeEquivalentTo("action", "a", "b");
        result.Error.FieldErrors.Single(f => f.Field == "action").Message.Should().Contain("add, subtract, multiply, divide");
    }

    [Fact]
    public async Task An_unknown_operation_is_refused()
    {
        var result = await _calculator.InvokeAsync("""{"action":"add","a":1,"b":2}""", operation: "sqrt");

        result.Error!.Kind.Should().Be(ErrorKind.UnknownOperation);
        result.Error.Message.Should().Contain("sqrt");
    }
}
