using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchboard.Abstractions;
using Switchboard.Core.Binding;
using Switchboard.Core.Invoking;

namespace Switchboard.Tests.Pipeline;

/// <summary>A call's secrets masked in what its connector answers, in each spelling a secret reaches text in.</summary>
public sealed class SecretMaskingTests
{
    private readonly OutputWriter _writer = new(new TypeModels());

    [Theory]
    [InlineData("4711", """{"count":47110,"pin":"4711","exact":4711}""", """{"count":47110,"pin":"***","exact":"***"}""")]
    [InlineData("1234", """{"created":1712345678}""", """{"created":1712345678}""")]
    [InlineData("true", """{"ok":true,"said":"it is true"}""", """{"ok":"***","said":"it is ***"}""")]
    public void A_secret_that_reads_as_a_number_or_literal_is_masked_by_value_and_the_output_stays_JSON(string secret, string answer, string masked)
    {
        // The masker replaced the secret in the output's text: a PIN inside a number made JSON no reader takes, and the call
        // that had succeeded failed (a Zeebe job retried into an incident).
        var outcome = ConnectorOutput.ToOutcome(JsonNode.Parse(answer), _writer, new SecretMasker([secret]));

        outcome.Error.Should().BeNull();
        outcome.Output!.ToJsonString().Should().Be(masked);
    }

    [Fact]
    public void A_connector_error_whose_details_hold_such_a_number_is_mapped()
    {
        var error = ConnectorFailure.From(new ConnectorException("Rejected", "the backend refused 4711", retryable: false, details: new { count = 47110 }),
            _writer, new SecretMasker(["4711"]));

        error.Message.Should().Be("the backend refused ***");
        error.Data!.ToJsonString().Should().Be("""{"count":47110}""");
    }

    [Theory]
    [InlineData("p\u00e4sswort-42")]
    [InlineData("tok\"quoted\"-77")]
    [InlineData("back\\slash-99")]
    public void A_secret_JSON_escaped_inside_text_is_masked(string secret)
    {
        // A connector's error quoting the JSON body it sent; an upstream echoing JSON as plain text (raw_response).
        foreach (var encoder in new[] { JavaScriptEncoder.Default, JavaScriptEncoder.UnsafeRelaxedJsonEscaping })
        {
            var body = new JsonObject { ["password"] = secret }.ToJsonString(new JsonSerializerOptions { Encoder = encoder });
            var masker = new SecretMasker([secret]);

            var error = ConnectorFailure.From(new ConnectorException("Rejected", "upstream refused " + body), _writer, masker);
            var outcome = ConnectorOutput.ToOutcome(new { raw_response = body }, _writer, masker);

            error.Message.Should().Be("upstream refused {\"password\":\"***\"}", body);
            outcome.Output!["raw_response"]!.GetValue<string>().Should().Be("{\"password\":\"***\"}", body);
        }
    }

    [Fact]
    public void A_secret_percent_encoded_in_an_address_a_connector_quotes_is_masked()
    {
        const string secret = "key with spaces|ä";
        var address = "https://api.example/items?key=" + Uri.EscapeDataString(secret);

        var error = ConnectorFailure.From(new ConnectorException("Rejected", "GET " + address + " failed; lower: " + address.ToLowerInvariant()),
            _writer, new SecretMasker([secret]));

        error.Message.Should().Be("GET https://api.example/items?key=*** failed; lower: https://api.example/items?key=***");
    }

    [Theory]
    [InlineData("")]
    [InlineData("u:")]
    [InlineData("us:")]
    [InlineData("user:")]
    public void A_secret_inside_base64_is_masked_wherever_it_starts_in_the_encoding(string before)
    {
        // An upstream echoing the Authorization: Basic header it was sent (user:password, encoded together), a token
        // encoded into a JWT's payload: the password left in the job's variables, readable by anyone who decodes it.
        // Its encodings hold '+' and '/', which the URL-safe alphabet spells '-' and '_'.
        const string secret = "basic~~~pass???W3";
        var masker = new SecretMasker([secret]);
        var encoded = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(before + secret + "!"));
        var urlSafe = System.Buffers.Text.Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes("{\"pw\":\"" + before + secret + "\"}"));

        var outcome = ConnectorOutput.ToOutcome(new { authorization = "Basic " + encoded, token = urlSafe }, _writer, masker);

        foreach (var (name, original) in new[] { ("authorization", "Basic " + encoded), ("token", urlSafe) })
        {
            var masked = outcome.Output![name]!.GetValue<string>();
            masked.Should().Contain("***", original);
            // What is left around the mask is at most the neighbours' characters and two of the secret's bits' worth.
            masked.Replace("***", "").Length.Should().BeLessThan(original.Length - 12, original);
        }
    }

    [Fact]
    public void Text_that_is_base64_of_something_else_is_left_as_it_is()
    {
        var masker = new SecretMasker(["basic-pass-W3", "pin"]);
        var unrelated = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("an ordinary payload, no secret in it"));

        masker.Apply(unrelated).Should().Be(unrelated);
    }

    [Fact]
    public void A_secret_in_the_path_of_a_field_error_is_masked()
    {
        // A map key substituted from a secret (Zeebe substitutes keys too) named by the field's path.
        var error = ConnectorFailure.InvalidParameters([new FieldError("headers.tok-secret-1", "must not be empty")], new SecretMasker(["tok-secret-1"]));

        error.FieldErrors.Should().ContainSingle().Which.Field.Should().Be("headers.***");
        error.Message.Should().Be("invalid parameters: headers.*** must not be empty");
    }
}
