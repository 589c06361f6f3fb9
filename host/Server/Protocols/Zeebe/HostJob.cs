using System.Text.Json.Nodes;

namespace Switchboard.Host.Protocols.Zeebe;

/// <summary>A job type the host serves itself rather than a plugin's connector, such as the inbound adapter's
/// <c>_activate_inbound_connector</c>. The Zeebe adapter opens a worker for it like for any connector type and
/// reports the result the same way.</summary>
internal interface IHostJob
{
    /// <summary>The job type.</summary>
    string Type { get; }

    /// <summary>Runs one job with its variables (secret placeholders already replaced: <paramref name="secrets"/> are the
    /// values put in, which nothing the job keeps, shows or logs may contain; its error message is masked with them).</summary>
    Task<HostJobResult> RunAsync(JsonObject variables, IReadOnlySet<string> secrets, CancellationToken cancellationToken);
}

/// <summary>A completed job's variables, or why it failed and whether a retry may help.</summary>
internal sealed record HostJobResult(JsonObject? Variables, string? ErrorCode = null, string? ErrorMessage = null, bool Retryable = false)
{
    public static HostJobResult Completed(JsonObject? variables = null) => new(variables ?? new JsonObject());

    public static HostJobResult Failed(string code, string message, bool retryable) => new(null, code, message, retryable);
}
