using System.Diagnostics;

namespace Switchboard.Host.Telemetry;

/// <summary>Carries a caller's trace through the host when nothing here records spans: a request that arrives with a
/// <c>traceparent</c> gets ASP.NET Core's request activity, so what its call sends on (the Http connector's request)
/// and what it logs continue the caller's trace; a request without one gets no activity at all.</summary>
/// <remarks>
/// ASP.NET Core makes a request activity only when something asks for it: a listener on its activity source, a
/// diagnostic listener, or its own request logger being on. The host keeps that logger off (see
/// <c>Switchboard:Log:RequestScope</c>), since it made every request pay for an activity and a log scope, so this
/// listener asks for the activity on exactly the requests that have a trace to continue. With OTLP configured,
/// OpenTelemetry's own listener samples every request as well. The caller's sampled flag is kept: a sampled parent's
/// activity is recorded, an unsampled one's only propagated, as downstream services must see the caller's decision.
/// </remarks>
internal sealed class TracePropagation : IHostedLifecycleService, IDisposable
{
    private const string AspNetCoreSource = "Microsoft.AspNetCore";

    private ActivityListener? _listener;

    // Before the server starts (IHostedLifecycleService.StartingAsync runs before any StartAsync), so no request is missed.
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = static source => source.Name == AspNetCoreSource,
            Sample = static (ref ActivityCreationOptions<ActivityContext> options) => Decide(options.Parent),
            // A parent that is not a W3C trace context (a hierarchical Request-Id): propagated as it came.
            SampleUsingParentId = static (ref ActivityCreationOptions<string> options) =>
                string.IsNullOrEmpty(options.Parent) ? ActivitySamplingResult.None : ActivitySamplingResult.PropagationData,
        };
        ActivitySource.AddActivityListener(_listener);
        return Task.CompletedTask;
    }

    private static ActivitySamplingResult Decide(ActivityContext parent) =>
        parent == default ? ActivitySamplingResult.None
        : (parent.TraceFlags & ActivityTraceFlags.Recorded) != 0 ? ActivitySamplingResult.AllDataAndRecorded
        : ActivitySamplingResult.PropagationData;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // After the server has stopped: requests still being answered keep their trace.
    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => Interlocked.Exchange(ref _listener, null)?.Dispose();
}
