using System.Text.Json.Nodes;
using Switchboard.Host.Binding;

namespace Switchboard.Testing;

/// <summary>Why a call failed, as the host classifies it before each protocol maps it to its own error form.</summary>
public enum ConnectorErrorKind
{
    /// <summary>The connector has no such operation, or needs one to be chosen.</summary>
    UnknownOperation,

    /// <summary>The input failed binding or validation (code <c>InvalidParameters</c>) or the connector threw <c>ConnectorInputException</c>: never retried.</summary>
    InvalidInput,

    /// <summary>The connector threw <c>ConnectorException</c> with its own code.</summary>
    ConnectorError,

    /// <summary>The call outlived its timeout (code <c>Timeout</c>).</summary>
    Timeout,

    /// <summary>Any other exception (code <c>ConnectorFailed</c>): Zeebe retries it.</summary>
    Internal,
}

/// <summary>A failed call: the code, message and flags every protocol answers with.</summary>
public sealed record ConnectorError(ConnectorErrorKind Kind, string Code, string Message, bool Retryable)
{
    /// <summary>The connector's details, as JSON.</summary>
    public JsonNode? Data { get; init; }

    /// <summary>Each input field at fault, named by path (<c>auth.token</c>, <c>to[1]</c>).</summary>
    public IReadOnlyList<FieldError> FieldErrors { get; init; } = [];

    /// <summary>Retries the connector asked the job to keep.</summary>
    public int? Retries { get; init; }

    /// <summary>Backoff the connector asked for.</summary>
    public TimeSpan? RetryBackoff { get; init; }
}

/// <summary>What one call produced: the output as the host would send it, or the error; and what the connector logged.</summary>
public sealed record ConnectorResult(JsonNode? Output, ConnectorError? Error, IReadOnlyList<string> Logs)
{
    /// <summary>Whether the call succeeded.</summary>
    public bool Succeeded => Error is null;
}
