using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Nodes;
using FluentAssertions;
using Switchboard.Abstractions;
using Switchboard.Core;
using Switchboard.Core.Binding;
using Switchboard.Core.Describing;
using Switchboard.Core.Invoking;

namespace Switchboard.Tests.Pipeline;

/// <summary>The first half of a call, below the pipeline and the author kit: binding, validation and the secrets a
/// call masks. The validator asks the framework's own attributes about a value without a context, and only those.</summary>
public sealed class CallBinderTests
{
    private static readonly ConnectorDefinition Checked = Describe(typeof(CheckedConnector));

    [Fact]
    public void An_author_attribute_judging_with_the_context_gets_it_and_a_subclass_of_a_framework_attribute_keeps_its_own_check()
    {
        var error = CallBinder.Bind(Checked, null, new JsonObject { ["count"] = 3, ["name"] = "bad", ["size"] = 20 }, [], out var call);

        call.Should().BeNull();
        error!.FieldErrors.Should().BeEquivalentTo(new[]
        {
            // EvenRange overrides only the check that takes the context: asked without it, 3 would pass as in range.
            new FieldError("count", "must be even"),
            new FieldError("name", "may not be bad"),
            new FieldError("size", "must be between 1 and 10."),
        });
    }

    [Fact]
    public void Valid_input_binds()
    {
        CallBinder.Bind(Checked, null, new JsonObject { ["count"] = 4, ["name"] = "good", ["size"] = 5 }, [], out var call).Should().BeNull();

        call!.Input.Should().BeOfType<CheckedConnector.Input>().Which.Count.Should().Be(4);
        call.Masker.IsEmpty.Should().BeTrue("the input has no secret fields and the caller substituted no secrets");
    }

    [Fact]
    public void A_secret_in_a_list_item_and_a_secret_the_caller_substituted_are_masked()
    {
        var connector = Describe(typeof(NestedSecretConnector));

        CallBinder.Bind(connector, null, new JsonObject
        {
            ["accounts"] = new JsonArray(new JsonObject { ["user"] = "ann", ["password"] = "hunter22" }),
        }, ["s3cr3t-from-vault"], out var call).Should().BeNull();

        call!.Masker.Apply("ann hunter22 s3cr3t-from-vault").Should().Be("ann *** ***");
        CallBinder.Bind(Checked, null, new JsonObject { ["count"] = 4, ["name"] = "good", ["size"] = 5 }, ["s3cr3t-from-vault"], out var plain)
            .Should().BeNull();
        plain!.Masker.Apply("s3cr3t-from-vault").Should().Be("***", "a substituted secret is masked even where the input has no secret fields");
    }

    [Theory]
    // Parsed from a request's bytes, as every protocol's input is.
    [InlineData("""{"count":1e2,"big":30000000000,"ratio":0.1,"price":0.1,"scale":2.5}""")]
    // Built in code (an adapter's own values), and numbers sent as text.
    [InlineData(null)]
    [InlineData("""{"count":"100","big":"30000000000","ratio":"0.1","price":"0.1","scale":"2.5"}""")]
    public void Numbers_bind_by_their_own_text_whether_parsed_sent_as_text_or_built_in_code(string? json)
    {
        var input = json is null
            ? new JsonObject { ["count"] = 100.0, ["big"] = 30000000000m, ["ratio"] = 0.1, ["price"] = 0.1, ["scale"] = 2.5f }
            : JsonNode.Parse(json)!.AsObject();

        CallBinder.Bind(Numbers, null, input, [], out var call).Should().BeNull();

        var bound = call!.Input.Should().BeOfType<NumbersConnector.Input>().Subject;
        bound.Count.Should().Be(100);
        bound.Big.Should().Be(30000000000L);
        bound.Ratio.Should().Be(0.1);
        bound.Price.Should().Be(0.1m, "a decimal is read from the number's text, not through a double");
        bound.Scale.Should().Be(2.5f);
    }

    [Theory]
    [InlineData("""{"count":2.5}""", "count", "must be a whole number")]
    [InlineData("""{"count":3000000000}""", "count", "is out of range for Int32")]
    [InlineData("""{"count":1e400}""", "count", "must be a whole number")]
    [InlineData("""{"ratio":1e400}""", "ratio", "must be a finite number")]
    [InlineData("""{"price":1e40}""", "price", "is out of range for decimal")]
    [InlineData("""{"ratio":"many"}""", "ratio", "must be a number")]
    [InlineData("""{"ratio":true}""", "ratio", "must be a number")]
    public void A_number_that_does_not_fit_its_field_is_named_with_the_reason(string json, string field, string problem)
    {
        var error = CallBinder.Bind(Numbers, null, JsonNode.Parse(json)!.AsObject(), [], out _);

        error!.FieldErrors.Should().ContainSingle().Which.Should().Be(new FieldError(field, problem));
    }

    [Fact]
    public void A_field_typed_as_a_json_object_or_list_given_the_other_is_named_instead_of_failing_the_call()
    {
        var error = CallBinder.Bind(Describe(typeof(AnyJsonConnector)), null, new JsonObject
        {
            ["payload"] = new JsonArray(1),
            ["items"] = new JsonObject { ["a"] = 1 },
            ["single"] = new JsonArray(),
        }, [], out _);

        error!.FieldErrors.Should().BeEquivalentTo(new[]
        {
            new FieldError("payload", "must be an object"),
            new FieldError("items", "must be a list"),
            new FieldError("single", "must be a single value, not an object or a list"),
        });
    }

    [Fact]
    public void Json_fields_bound_from_a_parsed_request_are_copies_that_outlive_its_document()
    {
        var document = JsonDocument.Parse("""{"payload":{"a":1},"items":[1,"x"],"single":"text","raw":{"k":[1]},"loose":5,"node":{"n":true}}""");

        CallBinder.Bind(Describe(typeof(AnyJsonConnector)), null, document.RootElement, [], out var call).Should().BeNull();
        document.Dispose();

        var bound = call!.Input.Should().BeOfType<AnyJsonConnector.Input>().Subject;
        bound.Payload!["a"]!.GetValue<int>().Should().Be(1);
        bound.Items!.Select(i => i!.ToJsonString()).Should().Equal("1", "\"x\"");
        bound.Single!.GetValue<string>().Should().Be("text");
        bound.Raw.GetProperty("k")[0].GetInt32().Should().Be(1);
        bound.Loose.Should().BeOfType<JsonElement>().Which.GetInt32().Should().Be(5);
        bound.Node!.ToJsonString().Should().Be("""{"n":true}""");
    }

    [Fact]
    public void Input_built_as_nodes_deeper_than_the_serializers_default_binds_as_the_same_input_parsed_does()
    {
        // 100 levels: deeper than System.Text.Json serializes by default (64), as a Zeebe variable may be.
        var text = new string('[', 100) + "1" + new string(']', 100);
        var deep = new JsonDocumentOptions { MaxDepth = 1000 };

        var error = CallBinder.Bind(Describe(typeof(AnyJsonConnector)), null, new JsonObject { ["node"] = JsonNode.Parse(text, documentOptions: deep) }, [], out var call);

        error.Should().BeNull();
        var level = call!.Input.Should().BeOfType<AnyJsonConnector.Input>().Subject.Node;
        for (var i = 0; i < 100; i++)
            level = level!.AsArray().Single();
        level!.GetValue<int>().Should().Be(1);
    }

    private static readonly ConnectorDefinition Numbers = Describe(typeof(NumbersConnector));

    private static ConnectorDefinition Describe(Type type) => Described.Connector(type, "Checked");

}

/// <summary>A range that also wants even numbers, checked where the context is given.</summary>
public sealed class EvenRangeAttribute() : RangeAttribute(0, 100)
{
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext) =>
        value is int number && number % 2 == 1 ? new ValidationResult($"{validationContext.DisplayName} must be even") : base.IsValid(value, validationContext);
}

/// <summary>An author's attribute that names the field through its context.</summary>
public sealed class NotBadAttribute : ValidationAttribute
{
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext) =>
        value is "bad" ? new ValidationResult($"{validationContext.DisplayName} may not be bad") : ValidationResult.Success;
}

/// <summary>Inputs checked by a framework attribute, a subclass of one and an author's own.</summary>
[Connector("test:checked:1", Name = "Checked")]
public sealed class CheckedConnector
{
    /// <summary>The input.</summary>
    public sealed class Input
    {
        [EvenRange]
        public int Count { get; set; }

        [NotBad]
        public string? Name { get; set; }

        [Range(1, 10)]
        public int Size { get; set; }
    }

    /// <summary>Returns nothing.</summary>
    [Operation]
    public JsonObject Run(Input input) => [];
}

/// <summary>An input whose secret sits in a list item.</summary>
[Connector("test:nested-secret:1", Name = "Nested secret")]
public sealed class NestedSecretConnector
{
    /// <summary>The input.</summary>
    public sealed class Input
    {
        public List<Account> Accounts { get; set; } = [];
    }

    /// <summary>One account.</summary>
    public sealed class Account
    {
        public string? User { get; set; }

        [Secret]
        public string? Password { get; set; }
    }

    /// <summary>Returns nothing.</summary>
    [Operation]
    public JsonObject Run(Input input) => [];
}

/// <summary>An input of every kind of number a field can be.</summary>
[Connector("test:numbers:1", Name = "Numbers")]
public sealed class NumbersConnector
{
    /// <summary>The input.</summary>
    public sealed class Input
    {
        public int Count { get; set; }

        public long Big { get; set; }

        public double Ratio { get; set; }

        public decimal Price { get; set; }

        public float Scale { get; set; }
    }

    /// <summary>Returns nothing.</summary>
    [Operation]
    public JsonObject Run(Input input) => [];
}

/// <summary>An input of fields that take JSON as it is.</summary>
[Connector("test:any-json:1", Name = "Any JSON")]
public sealed class AnyJsonConnector
{
    /// <summary>The input.</summary>
    public sealed class Input
    {
        public JsonObject? Payload { get; set; }

        public JsonArray? Items { get; set; }

        public JsonValue? Single { get; set; }

        public JsonElement Raw { get; set; }

        public object? Loose { get; set; }

        public JsonNode? Node { get; set; }
    }

    /// <summary>Returns nothing.</summary>
    [Operation]
    public JsonObject Run(Input input) => [];
}
