using Microsoft.Extensions.Diagnostics.HealthChecks;
using Switchboard.Host.Callbacks;
using Switchboard.Host.Status;

namespace Switchboard.Host.Protocols.Csp;

/// <summary>CSP's part of <c>GET /health</c>: its asynchronous calls and callbacks.</summary>
internal sealed class CspHealthCheck(CspCallbackMetrics metrics) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(HealthDetails.Healthy(metrics.Snapshot()));
}
