using Microsoft.Extensions.Diagnostics.HealthChecks;
using Switchboard.Host.Status;

namespace Switchboard.Host.Callbacks;

/// <summary>A protocol's part of <c>GET /health</c> for its asynchronous calls and callbacks (CSP's, Spiff's).</summary>
internal sealed class CallbackHealthCheck(CallbackMetrics metrics) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(HealthDetails.Healthy(metrics.Snapshot()));

    /// <summary>Registers the check under <paramref name="name"/> for the protocol's metrics <typeparamref name="TMetrics"/>.</summary>
    public static void Add<TMetrics>(IServiceCollection services, string name) where TMetrics : CallbackMetrics =>
        services.AddHealthChecks().Add(new HealthCheckRegistration(name,
            sp => new CallbackHealthCheck(sp.GetRequiredService<TMetrics>()), failureStatus: null, tags: null));
}
