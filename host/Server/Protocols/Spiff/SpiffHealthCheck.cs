using Microsoft.Extensions.Diagnostics.HealthChecks;
using Switchboard.Host.Callbacks;
using Switchboard.Host.Status;

namespace Switchboard.Host.Protocols.Spiff;

/// <summary>The SpiffWorkflow proxy's part of <c>GET /health</c>: its background calls and callbacks.</summary>
internal sealed class SpiffHealthCheck(SpiffCallbackMetrics metrics) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(HealthDetails.Healthy(metrics.Snapshot()));
}
