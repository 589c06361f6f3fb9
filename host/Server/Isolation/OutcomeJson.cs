using Switchboard.Host.Protocols;
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


    public static Outcome Read(JsonObject json)
    {
        if (json["error"] is JsonObject error)
        {
            return Outcome.Failure(new InvocationError(
                Enum.Parse<ErrorKind>((string)error["kind"]!), (string)error["code"]!, (string)error["message"]!, (bool)error["retryable"]!)
            {
                Data = error["data"]?.DeepClone(),
                FieldErrors = error["fieldErrors"]?.AsArray().Select(f => new FieldError((string)f!["field"]!, (string)f["message"]!)).ToList() ?? [],
                Retries = (int?)error["retries"],
                RetryBackoff = (long?)error["retryBackoffMs"] is { } ms ? TimeSpan.FromMilliseconds(ms) : null,
                StatusCode = (int?)error["statusCode"],
            });
        }
        var facts = json["response"] is JsonObject response
            ? new ResponseFacts((int)response["statusCode"]!,
                response["headers"]!.AsObject().ToDictionary(h => h.Key, h => (string)h.Value!, StringComparer.OrdinalIgnoreCase),
                (string?)response["mediaType"])
            : null;
        // The message is read once: its output is taken out of it rather than copied.
        var output = json["output"];
        json.Remove("output");
        return Outcome.Success(output, facts);
    }

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
