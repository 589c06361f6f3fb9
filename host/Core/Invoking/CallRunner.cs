using Microsoft.Extensions.Logging;
using Switchboard.Abstractions;
using Switchboard.Core.Binding;

namespace Switchboard.Core.Invoking;

/// <summary>The second half of one call: run the operation and turn what it returned or threw into one <see cref="Outcome"/>.</summary>
internal static class CallRunner
{
    /// <summary>Runs <paramref name="call"/> with <paramref name="context"/>; never throws for anything the connector does.
    /// A connector that stops because its call was cancelled answers as the wait for it does (<see cref="Abandoned"/>):
    /// which of the two the caller sees first is a race, and must not change the answer.</summary>
    public static async ValueTask<Outcome> RunAsync(BoundCall call, IConnectorContext context, OutputWriter writer, string connectorType, TimeSpan timeout,
        CancellationToken callerCancellation)
    {
        try
        {
            var result = await call.Invoker.InvokeAsync(call.Input, context).ConfigureAwait(false);
            return ConnectorOutput.ToOutcome(result, writer, call.Masker);
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            return Abandoned(connectorType, timeout, callerCancellation.IsCancellationRequested);
        }
        catch (Exception e)
        {
            return Outcome.Failure(ConnectorFailure.From(e, writer, call.Masker));
        }
    }

    /// <summary>The outcome of a call whose wait ended before the connector did: the caller cancelled it, or its timeout passed.</summary>
    public static Outcome Abandoned(string connectorType, TimeSpan timeout, bool callerCancelled) => callerCancelled
        ? Outcome.Failure(new InvocationError(ErrorKind.Cancelled, "Cancelled", "the call was cancelled by its caller", Retryable: true))
        : Outcome.Failure(ConnectorFailure.Timeout(connectorType, timeout));

    /// <summary>The context a connector sees for one call: its logger masks the call's secrets; <c>context.Get&lt;T&gt;()</c>
    /// finds one of <c>features</c>, the protocol's own details of the call.</summary>
    public static ConnectorContext Context(BoundCall call, ILogger pluginLogger, CancellationToken cancellationToken, IPluginContext plugin, InvocationInfo info,
        IReadOnlyList<object>? features = null) =>
        new(pluginLogger, call.Masker, cancellationToken, plugin, info, features);

    /// <summary>The same, describing the call with <paramref name="describe"/>(<paramref name="state"/>) only when the
    /// connector asks for its description or its logger (pass a static lambda: it is held, not called, per call).</summary>
    public static ConnectorContext Context(BoundCall call, ILogger pluginLogger, CancellationToken cancellationToken, IPluginContext plugin,
        Func<object, InvocationInfo> describe, object state, IReadOnlyList<object>? features = null) =>
        new(pluginLogger, call.Masker, cancellationToken, plugin, describe, state, features);
}
