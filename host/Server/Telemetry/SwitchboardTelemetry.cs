using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Switchboard.Host.Telemetry;

/// <summary>The host's <see cref="ActivitySource"/> and <see cref="Meter"/>, both named <see cref="Name"/>, and the
/// instruments of its calls. Exported by OpenTelemetry (<see cref="TelemetryServices"/>); any other listener (a test's
/// <see cref="ActivityListener"/>, <c>dotnet-counters</c>) sees them too.</summary>
public static class SwitchboardTelemetry
{
    /// <summary>The name of the activity source and the meter.</summary>
    public const string Name = "Switchboard";

    /// <summary>A span per connector call, named <c>{connector} {operation}</c>.</summary>
    public static readonly ActivitySource Source = new(Name, typeof(SwitchboardTelemetry).Assembly.GetName().Version?.ToString());

    /// <summary>The host's instruments.</summary>
    public static readonly Meter Meter = new(Name, typeof(SwitchboardTelemetry).Assembly.GetName().Version?.ToString());

    /// <summary><c>switchboard.calls</c>: calls finished, by <c>connector</c>, <c>operation</c>, <c>protocol</c>,
    /// <c>outcome</c> (<c>success</c> or <c>error</c>) and <c>error.code</c> (on errors).</summary>
    internal static readonly Counter<long> Calls = Meter.CreateCounter<long>("switchboard.calls", "{call}",
        "Connector calls finished, by connector, operation, protocol, outcome and error code.");

    /// <summary><c>switchboard.call.duration</c>: how long calls took, in seconds, by the same tags.</summary>
    internal static readonly Histogram<double> CallDuration = Meter.CreateHistogram("switchboard.call.duration", "s",
        "How long connector calls took, from the protocol's request to the outcome.", tags: null,
        // From half a millisecond (an in-process calculation) to the longest call timeouts.
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300] });

    /// <summary><c>switchboard.calls.in_flight</c>: calls running now, by <c>connector</c> and <c>protocol</c>; counted by
    /// <see cref="CallTelemetry"/> and read when metrics are collected.</summary>
    internal static readonly ObservableUpDownCounter<long> CallsInFlight = Meter.CreateObservableUpDownCounter("switchboard.calls.in_flight",
        CallTelemetry.InFlight, "{call}", "Connector calls running now.");

    /// <summary><c>switchboard.zeebe.jobs.activated</c>: jobs the worker received (polled or streamed), by <c>connector</c>.</summary>
    internal static readonly Counter<long> ZeebeJobsActivated = Meter.CreateCounter<long>("switchboard.zeebe.jobs.activated", "{job}",
        "Zeebe jobs received by the worker, polled or streamed.");

    /// <summary><c>switchboard.zeebe.jobs</c>: jobs reported to Zeebe, by <c>connector</c> and <c>outcome</c>
    /// (<c>completed</c>, <c>failed</c>, <c>error_thrown</c>).</summary>
    internal static readonly Counter<long> ZeebeJobs = Meter.CreateCounter<long>("switchboard.zeebe.jobs", "{job}",
        "Zeebe jobs reported: completed, failed or with a BPMN error thrown.");

    /// <summary><c>switchboard.zeebe.job.duration</c>: from a job's receipt to its report, in seconds, by <c>connector</c>.</summary>
    internal static readonly Histogram<double> ZeebeJobDuration = Meter.CreateHistogram("switchboard.zeebe.job.duration", "s",
        "From a Zeebe job's receipt by the worker to its report.", tags: null,
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300] });
}
