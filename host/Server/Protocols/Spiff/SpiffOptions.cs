namespace Switchboard.Host.Protocols.Spiff;

/// <summary>Settings of the SpiffWorkflow connector proxy (configuration section <c>Switchboard:Spiff</c>).</summary>
public sealed class SpiffOptions
{
    /// <summary>Configuration section the options are bound from.</summary>
    public const string Section = "Switchboard:Spiff";

    /// <summary>Path prefix under which the routes are served too (e.g. <c>/connector-proxy</c>); they are always served at the root.</summary>
    public string? BasePath { get; set; }

    /// <summary>Key the backend must send in <c>Spiff-Connector-Proxy-Api-Key</c>; null leaves the routes open, empty is refused at startup.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Browser origins allowed to call the routes; empty turns CORS off.</summary>
    public string[] CorsOrigins { get; set; } = [];

    /// <summary>Sent as <c>Authorization: Bearer</c> with every callback PUT.</summary>
    public string? CallbackBearerToken { get; set; }

    /// <summary>Sent as <c>SpiffWorkflow-Api-Key</c> with every callback PUT.</summary>
    public string? CallbackApiKey { get; set; }

    /// <summary>Origins (<c>scheme://host:port</c>) callback URLs must belong to; empty accepts any http(s) URL.</summary>
    public string[] CallbackOrigins { get; set; } = [];

    /// <summary>Retries of a callback PUT after a 5xx, 408, 429, timeout or connection failure (at least 1).</summary>
    public int CallbackRetries { get; set; } = 6;

    /// <summary>First retry delay; later ones grow exponentially, with jitter.</summary>
    public TimeSpan CallbackRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait between two callback attempts, whatever <c>Retry-After</c> says.</summary>
    public TimeSpan CallbackMaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest one callback attempt may take: connecting, sending, and reading the answer (at most 4 KiB of its body).</summary>
    public TimeSpan CallbackAttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Long-running commands running at once in the background; the rest wait their turn.</summary>
    public int CallbackMaxConcurrentCalls { get; set; } = 32;

    /// <summary>Long-running commands accepted and not yet called back; beyond this a new one is answered 503 <c>Busy</c>.</summary>
    public int CallbackMaxPendingCalls { get; set; } = 1000;

    /// <summary>Bytes of requests the pending commands may hold (each keeps its request until it is called back); beyond
    /// it a new one is answered 503 <c>Busy</c>, unless nothing else is pending.</summary>
    public long CallbackMaxPendingBytes { get; set; } = 100 * 1024 * 1024;

    /// <summary>At shutdown, how long pending commands may still run and call back before they are cancelled.</summary>
    public TimeSpan CallbackDrainTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>After the drain, how long the callbacks saying the host shut down may take.</summary>
    public TimeSpan CallbackFinalDeliveryTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The largest request body accepted, in bytes; larger ones are answered 413 in the envelope.</summary>
    public long MaxBodyBytes { get; set; } = 4 * 1024 * 1024;
}
