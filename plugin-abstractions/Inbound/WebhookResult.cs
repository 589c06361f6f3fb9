namespace Switchboard.Abstractions.Inbound;

/// <summary>What a webhook connector decided about one request.</summary>
public sealed class WebhookResult
{
    private WebhookResult(WebhookDecision decision, int statusCode, string? message, object? body)
    {
        Decision = decision;
        StatusCode = statusCode;
        Message = message;
        Body = body;
    }

    /// <summary>Correlate the request, the host answering for the outcome.</summary>
    public static WebhookResult Accept() => new(WebhookDecision.Accept, 200, null, null);

    /// <summary>Refuse the request with a 4xx status (401 bad signature or credentials, 405 wrong method, ...) and a
    /// message the caller sees; nothing is correlated.</summary>
    public static WebhookResult Reject(int statusCode, string message) =>
        statusCode is >= 400 and <= 499
            ? new(WebhookDecision.Reject, statusCode, message, null)
            : throw new ArgumentOutOfRangeException(nameof(statusCode), statusCode, "a refusal is a 4xx status");

    /// <summary>Answer the request directly with a 2xx to 5xx status and <paramref name="body"/> (JSON), correlating
    /// nothing: a one-time verification challenge, for example.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="statusCode"/> is not from 200 to 599.</exception>
    public static WebhookResult Respond(int statusCode, object? body) =>
        statusCode is >= 200 and <= 599
            ? new(WebhookDecision.Respond, statusCode, null, body)
            : throw new ArgumentOutOfRangeException(nameof(statusCode), statusCode, "a direct answer is a 2xx to 5xx status");

    /// <summary>Which of the three it is.</summary>
    public WebhookDecision Decision { get; }

    /// <summary>The HTTP status of a refusal or a direct answer.</summary>
    public int StatusCode { get; }

    /// <summary>Why the request was refused.</summary>
    public string? Message { get; }

    /// <summary>The body of a direct answer.</summary>
    public object? Body { get; }
}

/// <summary>Correlate, refuse, or answer directly.</summary>
public enum WebhookDecision
{
    /// <summary>Correlate the request.</summary>
    Accept = 0,

    /// <summary>Refuse it.</summary>
    Reject = 1,

    /// <summary>Answer it without correlating.</summary>
    Respond = 2,
}
