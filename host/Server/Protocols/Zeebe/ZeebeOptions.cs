namespace Switchboard.Host.Protocols.Zeebe;

/// <summary>Settings of the Zeebe job worker (configuration section <c>Switchboard:Zeebe</c>; the gateway address also from <c>ZEEBE_GRPC_ADDRESS</c>, <c>ZEEBE_ADDRESS</c> or <c>CAMUNDA_GRPC_ADDRESS</c>).</summary>
public sealed class ZeebeOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string Section = "Switchboard:Zeebe";

    /// <summary>Gateway address: <c>host:port</c> (plaintext), or an <c>http://</c> / <c>https://</c> URL; none leaves the adapter off.</summary>
    public string? Address { get; set; }

    /// <summary>Force plaintext (true) or TLS (false) for a <c>host:port</c> address (or <c>ZEEBE_INSECURE_CONNECTION</c>); unset: plaintext unless a CA certificate is given.</summary>
    public bool? Insecure { get; set; }

    /// <summary>PEM or DER file of the CA that signed the gateway's certificate (or <c>ZEEBE_CA_CERTIFICATE_PATH</c>); implies TLS.</summary>
    public string? CaCertificatePath { get; set; }

    /// <summary>Camunda SaaS cluster id (or <c>CAMUNDA_CLUSTER_ID</c>); with <see cref="Region"/> and no address, the cluster's TLS gateway is used.</summary>
    public string? ClusterId { get; set; }

    /// <summary>Camunda SaaS region (or <c>CAMUNDA_CLUSTER_REGION</c>), e.g. <c>bru-2</c>.</summary>
    public string? Region { get; set; }

    /// <summary>OAuth client id (or <c>ZEEBE_CLIENT_ID</c>); with a secret and an authorization server, calls carry a bearer token.</summary>
    public string? ClientId { get; set; }

    /// <summary>OAuth client secret (or <c>ZEEBE_CLIENT_SECRET</c>); never logged.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>Token endpoint for the client-credentials grant (or <c>ZEEBE_AUTHORIZATION_SERVER_URL</c>).</summary>
    public string? AuthorizationServerUrl { get; set; }

    /// <summary>Token audience (or <c>ZEEBE_TOKEN_AUDIENCE</c>).</summary>
    public string? Audience { get; set; }

    /// <summary>Token scope (or <c>ZEEBE_TOKEN_SCOPE</c>), sent only when set.</summary>
    public string? Scope { get; set; }

    /// <summary>The orchestration cluster REST API (or <c>CAMUNDA_REST_ADDRESS</c>), e.g. <c>http://localhost:8080</c>: where
    /// inbound connectors find the deployed processes' inbound elements, and outbound connectors store documents
    /// (<c>context.Get&lt;IDocumentStore&gt;()</c>); none leaves both off.</summary>
    public string? RestAddress { get; set; }

    /// <summary>Name the gateway records as the worker of each activated job.</summary>
    public string WorkerName { get; set; } = $"switchboard-{Environment.MachineName}-{Environment.ProcessId}";

    /// <summary>Jobs one connector type may hold at once.</summary>
    public int MaxJobsActive { get; set; } = 32;

    /// <summary>How long an activated job stays ours before the gateway hands it out again.</summary>
    public TimeSpan JobTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The shortest job timeout, for <see cref="JobTimeout"/> and a job's <c>jobTimeout</c> header alike.</summary>
    internal static readonly TimeSpan ShortestJobTimeout = TimeSpan.FromSeconds(1);

    /// <summary>How long one ActivateJobs call may wait for jobs (long polling).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long one attempt of a job command (complete, fail, throw error, update timeout) may wait for the
    /// gateway's answer, as the official clients' default request timeout (10 s). Apart from <see cref="RequestTimeout"/>:
    /// a short long poll must not cut short a command a busy gateway takes a moment to answer.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Whether workers keep a job stream open (StreamActivatedJobs), as Camunda's connector runtime does.</summary>
    public bool Streaming { get; set; } = true;

    /// <summary>Whether workers also long-poll ActivateJobs, which picks up jobs created while no stream was open.</summary>
    public bool Polling { get; set; } = true;

    /// <summary>The largest message taken from the gateway, in bytes: as the official clients' <c>maxMessageSize</c>, 4 MiB
    /// by default. A cluster whose gateway is allowed larger messages (its <c>maxMessageSize</c>) can hand out a job
    /// larger than this; raise it to match.</summary>
    public int MaxMessageSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>Fetch every variable of the process instance instead of only those the connector's input declares.</summary>
    public bool FetchAllVariables { get; set; }

    /// <summary>Pause between two polls that found nothing.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Prefix of the environment variables holding <c>{{secrets.NAME}}</c> values.</summary>
    public string SecretPrefix { get; set; } = "SECRET_";

    /// <summary>At shutdown, how long running jobs may take to finish and report.</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(20);
}
