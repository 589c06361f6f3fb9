using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchboard.Core;
using Switchboard.Core.Invoking;
using Switchboard.Host.Invocation;

namespace Switchboard.Host.Protocols.Spiff;

/// <summary>The version-2 response envelope the backend reads from <c>/v1/do</c> answers and callback PUTs.</summary>
/// <remarks>
/// <c>command_response.body</c> is the connector's output as it is (any JSON value; <c>{}</c> when it returns
/// nothing); on failure it is <c>{"error_code","message"}</c> plus <c>fields</c> and <c>data</c> when known, so a
/// BPMN error event's payload names the failing fields.
/// </remarks>
internal static class SpiffEnvelope
{
    public const string ContentType = "application/json";

    /// <summary>A successful answer carrying <paramref name="body"/> with <paramref name="httpStatus"/> (200, or 202 when accepted for a callback).</summary>
    public static Envelope Success(JsonNode? body, int httpStatus = 200) => new(body ?? new JsonObject(), httpStatus, null, null, null, null);

    /// <summary>A successful answer for <paramref name="outcome"/>: its output, with the status, headers and media type the connector gave.</summary>
    /// <remarks>The output is written from the outcome (as its text, where that reads the same), not read as nodes first.</remarks>
    public static Envelope Success(Outcome outcome) => outcome.Response is { } facts
        ? new(null, facts.StatusCode, null, null, facts.Headers, facts.MediaType) { Output = outcome }
        : new(null, 200, null, null, null, null) { Output = outcome };

    /// <summary>A failed answer: <paramref name="httpStatus"/> in <c>command_response</c>, the code and message in <c>error</c>.</summary>
    public static Envelope Failure(SpiffFailure failure)
    {
        var body = new JsonObject { ["error_code"] = failure.Code, ["message"] = failure.Message };
        if (failure.Fields.Count > 0)
            body["fields"] = new JsonArray(failure.Fields.Select(f => (JsonNode?)new JsonObject { ["field"] = f.Field, ["message"] = f.Message }).ToArray());
        if (failure.Data is not null)
            body["data"] = failure.Data.DeepClone();
        return new(body, failure.HttpStatus, failure.Code, failure.Message, null, null);
    }

    /// <summary>One envelope, ready to be written: to a response (<see cref="ResponseJson"/>) or as bytes (a callback's body).</summary>
    /// <param name="Body">The body; when null, <see cref="Output"/>'s output, and <c>{}</c> when there is none.</param>
    public readonly record struct Envelope(JsonNode? Body, int HttpStatus, string? ErrorCode, string? Message,
        IReadOnlyDictionary<string, string>? Headers, string? MimeType)
    {
        /// <summary>The outcome whose output is the body, for a successful call.</summary>
        public Outcome? Output { get; init; }

        /// <summary>The envelope as UTF-8 JSON.</summary>
        public byte[] ToArray()
        {
            var buffer = new ArrayBufferWriter<byte>(256);
            using (var writer = new Utf8JsonWriter(buffer))
                WriteTo(writer);
            return buffer.WrittenSpan.ToArray();
        }

        /// <summary>Writes the envelope as one JSON object.</summary>
        public void WriteTo(Utf8JsonWriter writer)
        {
            writer.WriteStartObject();
            writer.WriteStartObject("command_response");
            writer.WritePropertyName("body");
            if (Body is not null)
                Body.WriteTo(writer);
            else if (Output is { HasOutput: true } outcome)
                outcome.WriteOutputTo(writer);
            else
            {
                writer.WriteStartObject();
                writer.WriteEndObject();
            }
            writer.WriteString("mimetype", MimeType ?? ContentType);
            writer.WriteNumber("http_status", HttpStatus);
            writer.WriteStartObject("headers");
            if (Headers is not null)
                foreach (var (name, value) in Headers)
                    writer.WriteString(name, value);
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteNumber("command_response_version", 2);
            if (ErrorCode is null)
            {
                writer.WriteNull("error");
            }
            else
            {
                writer.WriteStartObject("error");
                writer.WriteString("error_code", ErrorCode);
                writer.WriteString("message", Message);
                writer.WriteEndObject();
            }
            writer.WriteStartArray("spiff__logs");
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
    }
}
