using System.Globalization;
using System.Text.Json.Nodes;
using Switchboard.Core;
using Switchboard.Core.Binding;

namespace Switchboard.Host.Isolation;

/// <summary>An <see cref="Outcome"/> as it crosses from a worker to the host, every field kept: output, the error with
/// its kind, code, message, retry advice, field errors and status, and the response facts.</summary>
internal static class OutcomeJson
{
    public static JsonObject Write(Outcome outcome)
    {
        var json = new JsonObject { ["output"] = outcome.Output?.DeepClone() };
        if (outcome.Error is { } error)
        {
            json["error"] = new JsonObject
            {
                ["kind"] = error.Kind.ToString(),
                ["code"] = error.Code,
                ["message"] = error.Message,
                ["retryable"] = error.Retryable,
                ["data"] = error.Data?.DeepClone(),
                ["fieldErrors"] = new JsonArray(error.FieldErrors.Select(f => (JsonNode?)new JsonObject { ["field"] = f.Field, ["message"] = f.Message }).ToArray()),
                ["retries"] = error.Retries,
                ["retryBackoffMs"] = error.RetryBackoff is { } backoff ? (long)backoff.TotalMilliseconds : null,
                ["statusCode"] = error.StatusCode,
            };
        }
        if (outcome.Response is { } response)
        {
            json["response"] = new JsonObject
            {
                ["statusCode"] = response.StatusCode,
                ["headers"] = new JsonObject(response.Headers.Select(h => KeyValuePair.Create(h.Key, (JsonNode?)h.Value))),
                ["mediaType"] = response.MediaType,
            };
        }
        return json;
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

    /// <summary>The outcome of a call whose worker ended before answering: retryable, so the caller (a Zeebe job's retry,
    /// a CSP client) tries again on the restarted worker.</summary>
    public static Outcome Crashed(string plugin, string reason) => Outcome.Failure(new InvocationError(ErrorKind.Internal, "PluginCrashed",
        string.Create(CultureInfo.InvariantCulture, $"the worker process of plugin {plugin} ended during the call ({reason}); it is being restarted"), Retryable: true));
}
