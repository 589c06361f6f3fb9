using Microsoft.Extensions.Diagnostics.HealthChecks;
using Switchboard.Host.Status;

namespace Switchboard.Host.Protocols.Zeebe;

/// <summary>The Zeebe adapter's part of <c>GET /health</c>: <c>off</c>, <c>connected</c> or <c>retrying</c>. Retrying is
/// degraded, not unhealthy: the HTTP protocols still serve, so an orchestrator must not restart the host for it.</summary>
internal sealed class ZeebeHealthCheck(ZeebeWorkers workers) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var details = workers.Describe();
        return Task.FromResult(details["state"]?.GetValue<string>() == "retrying"
            ? HealthDetails.Degraded("the Zeebe gateway cannot be reached; the workers retry", details)
            : HealthDetails.Healthy(details));
    }
}
