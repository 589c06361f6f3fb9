using Switchboard.Host.Protocols;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchboard.Core;
using Switchboard.Core.Binding;

namespace Switchboard.Host.Isolation;

/// <summary>An <see cref="Outcome"/> as it crosses from a worker to the host, every field kept: output, the error with
/// its kind, code, message, retry advice, field errors and status, and the response facts.</summary>
internal static class OutcomeJson
{
    /// <summary>Writes <paramref name="outcome"/> as one JSON object, its output written as it is, not copied.</summary>
    public static void Write(Utf8JsonWriter json, Outcome outcome)
    {
        json.WriteStartObject();
        json.WritePropertyName("output");
        json.WriteNodeOrNull(outcome.Output);
        if (outcome.Error is { } error)
        {
            json.WriteStartObject("error");
            json.WriteString("kind", error.Kind.ToString());
            json.WriteString("code", error.Code);
            json.WriteString("message", error.Message);
            json.WriteBoolean("retryable", error.Retryable);
            json.WritePropertyName("data");
            json.WriteNodeOrNull(error.Data);
            json.WriteStartArray("fieldErrors");
            foreach (var field in error.FieldErrors)
            {
                json.WriteStartObject();
                json.WriteString("field", field.Field);
                json.WriteString("message", field.Message);
                if (field.Shape is { } shape)
                    json.WriteString("shape", shape);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            if (error.Retries is { } retries)
                json.WriteNumber("retries", retries);
            if (error.RetryBackoff is { } backoff)
                json.WriteNumber("retryBackoffMs", (long)backoff.TotalMilliseconds);
            if (error.StatusCode is { } status)
                json.WriteNumber("statusCode", status);
            json.WriteEndObject();
        }
        if (outcome.Response is { } response)
        {
            json.WriteStartObject("response");
            json.WriteNumber("statusCode", response.StatusCode);
            json.WriteStartObject("headers");
            foreach (var (name, value) in response.Headers)
                json.WriteString(name, value);
            json.WriteEndObject();
            json.WriteString("mediaType", response.MediaType);
            json.WriteEndObject();
        }
        json.WriteEndObject();
    }


    /// <summary>Reads an outcome a worker wrote with <see cref="Write"/>; false, naming the first member that is not as
    /// written, when the message is not one (the worker runs plugin code, which can write to its connection too).</summary>
    public static bool TryRead(JsonNode? message, [NotNullWhen(true)] out Outcome? outcome, [NotNullWhen(false)] out string? problem)
    {
        outcome = null;
        try
        {
            outcome = Read(message as JsonObject ?? throw new InvalidDataException("the outcome is not a JSON object"));
            problem = null;
            return true;
        }
        catch (InvalidDataException e)
        {
            problem = e.Message;
            return false;
        }
    }

    private static Outcome Read(JsonObject json)
    {
        if (json["error"] is { } errorNode)
        {
            var error = errorNode as JsonObject ?? throw new InvalidDataException("error is not a JSON object");
            var kind = Text(error, "error.kind");
            if (!Enum.TryParse<ErrorKind>(kind, out var errorKind) || !Enum.IsDefined(errorKind))
                throw new InvalidDataException("error.kind is not an error kind");
            var fieldErrors = new List<FieldError>();
            if (error["fieldErrors"] is { } fields)
            {
                foreach (var field in fields as JsonArray ?? throw new InvalidDataException("error.fieldErrors is not a list"))
                {
                    var item = field as JsonObject ?? throw new InvalidDataException("an entry of error.fieldErrors is not a JSON object");
                    fieldErrors.Add(new FieldError(Text(item, "error.fieldErrors[].field"), Text(item, "error.fieldErrors[].message"))
                    {
                        Shape = item["shape"] is null ? null : Text(item, "error.fieldErrors[].shape"),
                    });
                }
            }
            var backoff = Number<long>(error, "error.retryBackoffMs");
            if (backoff is < 0 or > (long)int.MaxValue * 1000)
                throw new InvalidDataException("error.retryBackoffMs is out of range");
            return Outcome.Failure(new InvocationError(errorKind, Text(error, "error.code"), Text(error, "error.message"), Flag(error, "error.retryable"))
            {
                Data = error["data"]?.DeepClone(),
                FieldErrors = fieldErrors,
                Retries = Number<int>(error, "error.retries"),
                RetryBackoff = backoff is { } ms ? TimeSpan.FromMilliseconds(ms) : null,
                StatusCode = Number<int>(error, "error.statusCode"),
            });
        }
        ResponseFacts? facts = null;
        if (json["response"] is { } responseNode)
        {
            var response = responseNode as JsonObject ?? throw new InvalidDataException("response is not a JSON object");
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var (name, value) in response["headers"] as JsonObject ?? throw new InvalidDataException("response.headers is not a JSON object"))
            {
                if (value is not JsonValue text || !text.TryGetValue<string>(out var header) || !headers.TryAdd(name, header))
                    throw new InvalidDataException("response.headers holds a value that is not text, or a name twice");
            }
            var mediaType = response["mediaType"] is null ? null : Text(response, "response.mediaType");
            facts = new ResponseFacts(Number<int>(response, "response.statusCode") ?? throw new InvalidDataException("response.statusCode is missing"), headers, mediaType);
        }
        // The message is read once: its output is taken out of it rather than copied.
        var output = json["output"];
        json.Remove("output");
        return Outcome.Success(output, facts);
    }

    // Each reads the member named last in path ("error.code": code), and names the whole path when it is not as written.
    private static string Text(JsonObject json, string path) =>
        json[Member(path)] is JsonValue value && value.TryGetValue<string>(out var text) ? text : throw new InvalidDataException($"{path} is not text");

    private static bool Flag(JsonObject json, string path) =>
        json[Member(path)] is JsonValue value && value.TryGetValue<bool>(out var flag) ? flag : throw new InvalidDataException($"{path} is not true or false");

    private static T? Number<T>(JsonObject json, string path) where T : struct => json[Member(path)] switch
    {
        null => null,
        JsonValue value when value.TryGetValue<T>(out var number) => number,
        _ => throw new InvalidDataException($"{path} is not a whole number in range"),
    };

    private static string Member(string path) => path[(path.LastIndexOf('.') + 1)..];

    /// <summary>How long a Zeebe job failed by a crash waits before its retry: long enough for the worker to be started again.</summary>
    public static readonly TimeSpan CrashRetryBackoff = TimeSpan.FromSeconds(1);

    /// <summary>The outcome of a call whose worker ended before answering: retryable, so the caller (a Zeebe job's retry,
    /// a CSP client) tries again on the restarted worker; a job's retry waits <see cref="CrashRetryBackoff"/>.</summary>
    public static Outcome Crashed(string plugin, string reason) => Outcome.Failure(new InvocationError(ErrorKind.Internal, "PluginCrashed",
        string.Create(CultureInfo.InvariantCulture, $"the worker process of plugin {plugin} ended during the call ({reason}); it is being restarted"), Retryable: true)
    {
        RetryBackoff = CrashRetryBackoff,
    });
}
