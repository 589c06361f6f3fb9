using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.InteropServices;
using Switchboard.Abstractions;
using Switchboard.Abstractions.Zeebe;
using Switchboard.Core;
using Switchboard.Host.Invocation;

namespace Switchboard.Host.Telemetry;

/// <summary>What the pipeline tells telemetry about one call: its span (parented on whatever is current: the incoming
/// HTTP request's, itself parented on the request's <c>traceparent</c>) and its metrics.</summary>
internal static class CallTelemetry
{
    /// <summary>Starts the call's span; null when nothing listens.</summary>
    public static Activity? Start(Invocation.Invocation invocation)
    {
        if (!SwitchboardTelemetry.Source.HasListeners())
            return null;
        // The type and operation come from outside: a span carries them capped, never whole.
        var operation = Capped(invocation.ShownOperation);
        var type = Capped(invocation.ConnectorType);
        var activity = SwitchboardTelemetry.Source.StartActivity($"{type} {operation}", ActivityKind.Internal);
        if (activity is null)
            return null;
        activity.SetTag("switchboard.connector", type);
        activity.SetTag("switchboard.operation", operation);
        activity.SetTag("switchboard.protocol", ProtocolName(invocation));
        foreach (var feature in invocation.Features)
        {
            if (feature is ZeebeJob job)
            {
                activity.SetTag("zeebe.job.key", job.Key);
                activity.SetTag("zeebe.process_instance.key", job.ProcessInstanceKey);
            }
        }
        return activity;
    }

    // Calls running now, by connector type and protocol. Counted here and read when metrics are collected: adding to a
    // shared up-down counter twice per call cost more than the rest of the call's telemetry (a tag lookup and a
    // contended update each time). Only loaded connector types get here, so the keys stay few.
    private static readonly ConcurrentDictionary<(string Connector, Protocol Protocol), InFlightCount> InFlightCounts = new();

    // Written by every call on every core: kept on a cache line of its own, so the dictionary's entries (read by every
    // call) and whatever was allocated beside it do not move between cores with each write.
    [StructLayout(LayoutKind.Explicit, Size = 128)]
    internal sealed class InFlightCount
    {
        [FieldOffset(64)]
        public long Value;
    }

    /// <summary>The calls running now, one measurement per connector type and protocol seen.</summary>
    internal static IEnumerable<Measurement<long>> InFlight()
    {
        foreach (var ((connector, protocol), count) in InFlightCounts)
            yield return new Measurement<long>(Volatile.Read(ref count.Value),
                new KeyValuePair<string, object?>("connector", connector), new KeyValuePair<string, object?>("protocol", ProtocolName(protocol)));
    }

    private static InFlightCount InFlightOf(Invocation.Invocation invocation, Connectors.LoadedConnector? connector)
    {
        // The connector holds its type's counts once found; the dictionary stays the one place they are kept, so a
        // reloaded connector of the same type counts on the same series.
        var protocol = (int)invocation.Protocol;
        if (connector is null || (uint)protocol >= (uint)connector.InFlightCounts.Length)
            return InFlightOf(invocation);
        return connector.InFlightCounts[protocol] ??= InFlightOf(invocation);
    }

    private static InFlightCount InFlightOf(Invocation.Invocation invocation)
    {
        var key = (invocation.ConnectorType, invocation.Protocol);
        return InFlightCounts.TryGetValue(key, out var count) ? count : InFlightCounts.GetOrAdd(key, static _ => new InFlightCount());
    }

    /// <summary>The call has a generation to run on and starts; hand what this returns to <see cref="Ended"/>, so the
    /// call's count is looked up once.</summary>
    public static InFlightCount Running(PreparedInvocation prepared, Activity? activity)
    {
        var count = InFlightOf(prepared.Invocation, prepared.Connector);
        Interlocked.Increment(ref count.Value);
        if (activity is not null && prepared.Runner is { } runner)
        {
            activity.SetTag("switchboard.plugin", runner.Plugin);
            activity.SetTag("switchboard.generation", runner.Generation);
        }
        return count;
    }

    /// <summary>The call's run ended.</summary>
    public static void Ended(InFlightCount count) => Interlocked.Decrement(ref count.Value);

    /// <summary>The call has its outcome: counted, timed, and its span ended with the outcome and error code.</summary>
    /// <param name="declaredOperation">The operation as its connector declares it; null when it declares none by the
    /// name the call gave (see <see cref="InvocationPipeline"/>).</param>
    /// <param name="errorCodes">The host's bound on the error codes counted per connector.</param>
    public static void Finished(Invocation.Invocation invocation, string? declaredOperation, Outcome outcome, TimeSpan elapsed, Activity? activity, ErrorCodeLabels errorCodes)
    {
        var error = outcome.Error;
        // Metric tags must stay few: a type or operation that is not loaded is counted as "(unknown)", so a caller
        // inventing names cannot make a series each. Whatever answered the call: one refused Busy or timed out while
        // waiting for a slot was answered before its operation was looked at, under the caller's own text.
        var (connector, shownOperation) = error?.Kind switch
        {
            ErrorKind.UnknownConnector => ("(unknown)", "(unknown)"),
            _ => (invocation.ConnectorType, declaredOperation ?? "(unknown)"),
        };
        var tags = new TagList
        {
            { "connector", connector },
            { "operation", shownOperation },
            { "protocol", ProtocolName(invocation) },
            { "outcome", error is null ? "success" : "error" },
        };
        if (error is not null)
            tags.Add("error.code", errorCodes.Label(connector, error.Code));
        SwitchboardTelemetry.Calls.Add(1, tags);
        SwitchboardTelemetry.CallDuration.Record(elapsed.TotalSeconds, tags);
        if (activity is null)
            return;
        activity.SetTag("switchboard.outcome", error is null ? "success" : "error");
        if (error is not null)
        {
            activity.SetTag("error.type", error.Code);
            activity.SetStatus(ActivityStatusCode.Error, error.Message);
        }
    }

    // Enum.GetName<T> reads the cached name; ToString() would box the value on every call.
    private static string ProtocolName(Invocation.Invocation invocation) => ProtocolName(invocation.Protocol);

    private static string ProtocolName(Protocol protocol) => Enum.GetName(protocol) ?? "unknown";

    private static string Capped(string value) => value.Length <= 200 ? value : value[..200] + "…";
}
