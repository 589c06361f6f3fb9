namespace Switchboard.Host.Protocols.Csp;

/// <summary>Settings of the CSP adapter (configuration section <c>Switchboard:Csp</c>).</summary>
public sealed class CspOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string Section = "Switchboard:Csp";

    /// <summary>Largest request body accepted; a larger one is answered HTTP 413.</summary>
    public long MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Deepest JSON nesting accepted in a request body.</summary>
    public int MaxDepth { get; set; } = 64;

    /// <summary>Most requests accepted in one JSON-RPC batch.</summary>
    public int MaxBatchSize { get; set; } = 100;

    /// <summary>When set, every <c>/csp/*</c> request needs <c>Authorization: Bearer &lt;token&gt;</c>; null or empty leaves them open.</summary>
    public string? BearerToken { get; set; }

    /// <summary>Hosts callback URLs may point at (<c>host</c> or <c>*.domain</c>); empty allows any host.</summary>
    public List<string> CallbackAllowedHosts { get; set; } = [];

    /// <summary>How asynchronous calls run and their callbacks are delivered.</summary>
    public CspCallbackOptions Callback { get; set; } = new();
}

/// <summary>Delivery of asynchronous results (configuration section <c>Switchboard:Csp:Callback</c>).</summary>
public sealed class CspCallbackOptions
{
    /// <summary>Attempts per callback, the first included; transient failures (connection refused, 5xx, 429, timeouts) are retried.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Delay before the first retry; each further retry waits about twice as long.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait between two attempts.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one attempt may take: connecting, sending, and reading the answer (at most 4 KiB of its body).</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Asynchronous calls run at the same time; more wait their turn.</summary>
    public int MaxConcurrentCalls { get; set; } = 32;

    /// <summary>Asynchronous calls accepted but not finished; beyond it new ones are refused with -32603.</summary>
    public int MaxPendingCalls { get; set; } = 1000;

    /// <summary>Bytes of requests the pending calls may hold (each keeps its request until it is called back); beyond it
    /// new ones are refused with -32603 <c>Busy</c>, unless nothing else is pending.</summary>
    public long MaxPendingBytes { get; set; } = 100 * 1024 * 1024;

    /// <summary>At shutdown, how long pending calls may take to finish and deliver before they are cancelled.</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>After the drain timeout, how long the cancelled calls' callbacks may still take.</summary>
    public TimeSpan FinalDeliveryTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
