using System.Text.Json.Nodes;
using Switchboard.Core.Binding;

namespace Switchboard.Core;

/// <summary>A typed failure: code, message, data and whether retrying can help. Never holds a secret or a stack trace.</summary>
public sealed record InvocationError(ErrorKind Kind, string Code, string Message, bool Retryable)
{
    /// <summary>Extra data the connector attached, as JSON.</summary>
    public JsonNode? Data { get; init; }

    /// <summary>Each input field that failed, for <see cref="ErrorKind.InvalidInput"/>.</summary>
    public IReadOnlyList<FieldError> FieldErrors { get; init; } = [];

    /// <summary>Retries the connector asked the job to keep; null keeps the protocol's rule.</summary>
    public int? Retries { get; init; }

    /// <summary>Backoff the connector asked for before the next attempt.</summary>
    public TimeSpan? RetryBackoff { get; init; }

    /// <summary>The 4xx/5xx status the connector said the failure stands for; null lets each protocol choose.</summary>
    public int? StatusCode { get; init; }
}

/// <summary>What a call produced: output JSON, or an error.</summary>
public sealed record Outcome
{
    private Outcome(JsonNode? output, InvocationError? error, ResponseFacts? response = null)
    {
        Output = output;
        Error = error;
        Response = response;
    }

    /// <summary>The connector's output; null when it returns nothing or the call failed.</summary>
    public JsonNode? Output { get; }

    /// <summary>The failure, or null on success.</summary>
    public InvocationError? Error { get; }

    /// <summary>Status, headers and media type the connector returned with its output (a <c>ConnectorResponse</c>); null for a plain output.</summary>
    public ResponseFacts? Response { get; }

    public bool Succeeded => Error is null;

    public static Outcome Success(JsonNode? output, ResponseFacts? response = null) => new(output, null, response);

    public static Outcome Failure(InvocationError error) => new(null, error);
}
