namespace Switchboard.Abstractions;

/// <summary>A failure a connector reports on purpose, with a stable code callers can match on.</summary>
/// <remarks>
/// Zeebe fails the job (or retries it when <see cref="Retryable"/>), CSP answers a JSON-RPC error with
/// this code, SpiffWorkflow gets it as <c>error_code</c>. Never put secret values into the message or details.
/// </remarks>
public class ConnectorException : Exception
{
    /// <summary>Reports a failure with its code and message.</summary>
    public ConnectorException(string code, string message, bool retryable = false, object? details = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Code = string.IsNullOrWhiteSpace(code) ? "ConnectorError" : code;
        Retryable = retryable;
        Details = details;
    }

    /// <summary>Stable error code, e.g. <c>HttpError502</c> or <c>SmtpAuthFailed</c>. The host masks secret values in it
    /// as in the message and keeps at most its first 128 characters: it is repeated in logs and metric labels.</summary>
    public string Code { get; }

    /// <summary>Whether trying the same call again may succeed.</summary>
    public bool Retryable { get; }

    /// <summary>Extra data serialized into the error (an object, dictionary or primitive).</summary>
    public object? Details { get; }

    /// <summary>How many retries the job should keep, overriding the protocol's default; null keeps it.</summary>
    public int? Retries { get; init; }

    /// <summary>How long to wait before the next attempt; null keeps the protocol's default.</summary>
    public TimeSpan? RetryBackoff { get; init; }

    /// <summary>The HTTP-style status (4xx or 5xx) the failure stands for, e.g. an upstream's 404; protocols with a status carry it.</summary>
    public int? StatusCode { get; init; }
}
