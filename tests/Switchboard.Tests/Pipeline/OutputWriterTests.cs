using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FluentAssertions;
using Switchboard.Core;
using Switchboard.Core.Binding;
using Switchboard.Core.Invoking;
using Switchboard.Host.Protocols;

namespace Switchboard.Tests.Pipeline;

/// <summary>What a connector's output becomes: the JSON every protocol sends, and nodes whose values read as a caller
/// (a result expression, a response mapping) expects.</summary>
public sealed class OutputWriterTests
{
    private readonly OutputWriter _writer = new(new TypeModels());

    [Fact]
    public void Every_kind_of_value_is_written_as_its_json_text()
    {
        var output = _writer.Write(new Everything());

        output!.ToJsonString().Should().Be("""
            {"count":42,"big":18446744073709551615,"ratio":0.1,"scale":2.5,"price":1.50,"kind":"second-kind","day":"2026-12-04","bytes":"AQI=","items":[1,"two",null],"byKey":{"1":"b"},"text":"caf\u00E9 \u003C\u0022"}
            """);
    }

    [Theory]
    [InlineData("""{"id":7,"title":"cut \ud83d"}""", """{"id":7,"title":"cut \ufffd"}""")]
    [InlineData("""["\udc00 low first","pair \ud83d\ude00 kept","\\ud800 is no escape","two \ud800\ud800"]""",
        """["\ufffd low first","pair \ud83d\ude00 kept","\\ud800 is no escape","two \ufffd\ufffd"]""")]
    public void Parsed_JSON_holding_an_escaped_lone_surrogate_is_written_with_U_FFFD_in_its_place(string answer, string written)
    {
        // A connector returning a third party's answer as it parsed it (the shipped HTTP connector does): System.Text.Json
        // will not write such a string, and the call failed as the connector's retryable internal error.
        foreach (var output in new object[] { JsonNode.Parse(answer)!, JsonDocument.Parse(answer).RootElement,
            new { answer = JsonNode.Parse(answer), more = JsonDocument.Parse(answer) } })
        {
            var text = Encoding.UTF8.GetString(_writer.WriteText(output)!);

            text.Should().Contain(written, output.GetType().Name);
            JsonNode.Parse(text)!.ToJsonString().Should().NotBeEmpty("it is JSON every reader takes");
        }
    }

    [Fact]
    public void A_parsed_key_holding_an_escaped_lone_surrogate_is_an_output_error_naming_where_it_is()
    {
        var output = new JsonObject { ["items"] = new JsonArray(JsonNode.Parse("""{"ok":1}"""), JsonNode.Parse("""{"k\ud800":"v\ud800"}""")) };

        var write = () => _writer.WriteText(output);

        write.Should().Throw<OutputException>().Which.Message.Should().Be("output field 'items[1]' has a key that " + JsonText.NotText);
    }

    [Fact]
    public void Numbers_in_the_output_read_as_any_numeric_type_as_parsed_input_does()
    {
        var output = _writer.Write(new Everything())!.AsObject();

        output["count"]!.GetValue<double>().Should().Be(42);
        output["count"]!.GetValue<decimal>().Should().Be(42m);
        output["ratio"]!.GetValue<decimal>().Should().Be(0.1m);
        output["scale"]!.GetValue<float>().Should().Be(2.5f);
        output["text"]!.GetValue<string>().Should().Be("café <\"");
    }

    [Fact]
    public void A_non_finite_number_deep_in_the_output_is_named_by_its_path()
    {
        var write = () => _writer.Write(new { rows = new[] { new { total = 1.0 }, new { total = double.NaN } } });

        write.Should().Throw<OutputException>().Which.Message.Should().Be(
            "output field 'rows[1].total' is NaN, which JSON cannot represent (a number overflowed or was undefined)");
    }

    [Fact]
    public void Output_that_is_already_json_is_copied_and_a_null_output_stays_none()
    {
        var node = new JsonObject { ["a"] = 1 };

        var output = _writer.Write(node);
        node["a"] = 2;

        output!.ToJsonString().Should().Be("""{"a":1}""");
        _writer.Write(null).Should().BeNull();
    }

    [Fact]
    public void An_output_kept_as_text_reads_as_nodes_and_is_written_as_each_writer_escapes()
    {
        var outcome = ConnectorOutput.ToOutcome(new { text = "café <" }, _writer, SecretMasker.None);

        Written(outcome, ResponseJson.Relaxed).Should().Be("""{"text":"café <"}""");
        Written(outcome, default).Should().Be("""{"text":"caf\u00E9 \u003C"}""");
        outcome.Output!["text"]!.GetValue<string>().Should().Be("café <");
        outcome.Output.Should().BeSameAs(outcome.Output, "every reader sees the one node, changes included");
    }

    [Theory]
    [InlineData("plain text, 42 and a/slash")]
    [InlineData("a \"quoted\" word")]
    [InlineData("back\\slash")]
    [InlineData("<b>&amp;</b>")]
    [InlineData("it's 1+1 `code`")]
    [InlineData("café ☕")]
    [InlineData("line\nbreak\u0001\u007F")]
    public void An_output_kept_as_text_is_written_byte_for_byte_as_its_nodes_are_under_either_escaping(string text)
    {
        var outcome = ConnectorOutput.ToOutcome(new { text, list = new[] { text } }, _writer, SecretMasker.None);
        var nodes = ConnectorOutput.ToOutcome(new { text, list = new[] { text } }, _writer, SecretMasker.None);
        _ = nodes.Output;

        Written(outcome, default).Should().Be(Written(nodes, default));
        Written(outcome, ResponseJson.Relaxed).Should().Be(Written(nodes, ResponseJson.Relaxed));
    }

    [Fact]
    public void An_output_that_is_json_null_is_no_output_and_spiff_answers_an_empty_body()
    {
        var outcome = ConnectorOutput.ToOutcome(JsonDocument.Parse("null").RootElement, _writer, SecretMasker.None);

        outcome.Output.Should().BeNull();
        Encoding.UTF8.GetString(Switchboard.Host.Protocols.Spiff.SpiffEnvelope.Success(outcome).ToArray()).Should().Contain("\"body\":{}");
    }

    [Fact]
    public void A_dictionary_whose_type_names_text_first_but_keys_by_number_is_written_with_its_keys_as_text()
    {
        _writer.Write(new NumberKeyed<string> { [1] = "one" })!.ToJsonString().Should().Be("""{"1":"one"}""");
    }

    [Fact]
    public void Json_a_connector_returns_deeper_than_object_nesting_is_allowed_reads_back_whole()
    {
        JsonNode deep = new JsonObject();
        for (var i = 0; i < 200; i++)
            deep = new JsonObject { ["in"] = deep };
        var text = deep.ToJsonString();

        var outcome = ConnectorOutput.ToOutcome(deep, _writer, SecretMasker.None);

        outcome.Output!.ToJsonString().Should().Be(text);
    }

    private static string Written(Outcome outcome, JsonWriterOptions options)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, options))
            outcome.WriteOutputTo(json);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>An output holding every kind of value a connector returns.</summary>
    public sealed class Everything
    {
        public int Count { get; init; } = 42;

        public ulong Big { get; init; } = ulong.MaxValue;

        public double Ratio { get; init; } = 0.1;

        public float Scale { get; init; } = 2.5f;

        public decimal Price { get; init; } = 1.50m;

        public Kind Kind { get; init; } = Kind.SecondKind;

        public DateOnly Day { get; init; } = new(2026, 12, 4);

        public byte[] Bytes { get; init; } = [1, 2];

        public List<object?> Items { get; init; } = [1, "two", null];

        // Keys that read the same as text: the later value stands, as a JSON object holds each name once.
        public Dictionary<object, string> ByKey { get; init; } = new() { [1] = "a", ["1"] = "b" };

        public string Text { get; init; } = "café <\"";
    }

    /// <summary>An enum with a wire name of its own.</summary>
    public enum Kind
    {
        First,
        [System.Runtime.Serialization.EnumMember(Value = "second-kind")]
        SecondKind,
    }

    /// <summary>A generic dictionary whose type argument is not its key type.</summary>
    public sealed class NumberKeyed<T> : System.Collections.Hashtable;
}
