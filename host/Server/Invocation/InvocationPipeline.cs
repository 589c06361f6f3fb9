using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;
using Switchboard.Abstractions;
using Switchboard.Abstractions.Spiff;
using Switchboard.Abstractions.Zeebe;
using Switchboard.Core.Binding;
using Switchboard.Host.Catalog;
using Switchboard.Core.Describing;
using Switchboard.Core.Invoking;
using Switchboard.Host.Connectors;
using Switchboard.Core.Metadata;
using Switchboard.Core;
using Switchboard.Core.Outcomes;
using Switchboard.Host.Isolation;
using Switchboard.Host.Telemetry;

namespace Switchboard.Host.Invocation;

/// <summary>The one path every protocol's calls take: find the connector, bind and validate the input, run it with a timeout, return one <see cref="Outcome"/>.</summary>
/// <param name="catalog">Where connectors are found.</param>
/// <param name="loggerFactory">For the pipeline's and the plugins' logs.</param>
/// <param name="recentCalls">Where each finished call is listed for the dashboard; none when null.</param>
public sealed class InvocationPipeline(PluginCatalog catalog, ILoggerFactory loggerFactory, RecentCalls? recentCalls = null)
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<InvocationPipeline>();
    private readonly ConcurrentDictionary<string, ILogger> _pluginLoggers = new(StringComparer.Ordinal);
    private readonly ErrorCodeLabels _errorCodes = new();

    /// <summary>Runs <paramref name="invocation"/>; never throws for anything the connector or the input does.</summary>
    /// <remarks>A value task on a pooled state machine: every call of every protocol comes here and waits for the
    /// plugin code's thread, so the wait allocates nothing. Await it once, as any value task.</remarks>
    /// <param name="invocation">The call.</param>
    /// <param name="cancellationToken">The caller's cancellation: the call is then answered as abandoned.</param>
    /// <param name="inline">Where to leave the plugin code for the adapter to run on its own thread; none hands it to the pool.</param>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<Outcome> InvokeAsync(Invocation invocation, CancellationToken cancellationToken = default, InlineStart? inline = null)
    {
        var started = Stopwatch.GetTimestamp();
        using var activity = CallTelemetry.Start(invocation);
        var outcome = TryPrepare(invocation, out var prepared) is { } invalid
            ? Outcome.Failure(invalid)
            : await RunAsync(prepared!, activity, cancellationToken, inline);
        Finish(invocation, outcome, Stopwatch.GetElapsedTime(started), activity, prepared?.Operation);
        return outcome;
    }

    /// <summary>Finds the connector and binds and validates the input without running it: the call ready to run, or
    /// the error it fails with before it starts.</summary>
    /// <remarks>
    /// For adapters that accept or refuse a call before answering and run it later (CSP and Spiff with a callback).
    /// The prepared call holds its connector's generation: it runs on the generation that validated it even if the
    /// plugin is reloaded meanwhile, and the input is bound once. Run it with <see cref="InvokeAsync(PreparedInvocation, CancellationToken)"/>
    /// or dispose it.
    /// For a plugin in a worker process the worker binds and validates the input (and binds it again when the call runs):
    /// the same errors, at the same moment, as in-process.
    /// </remarks>
    public async ValueTask<(PreparedInvocation? Prepared, InvocationError? Error)> PrepareAsync(Invocation invocation, CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        var (prepared, error) = await PrepareHeldAsync(invocation, cancellationToken);
        if (error is not null)
            Finish(invocation, Outcome.Failure(error), Stopwatch.GetElapsedTime(started), null, null);
        return (prepared, error);
    }

    /// <summary>Runs a call <see cref="PrepareAsync"/> accepted; never throws for anything the connector does.</summary>
    public async Task<Outcome> InvokeAsync(PreparedInvocation prepared, CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        using var activity = CallTelemetry.Start(prepared.Invocation);
        var outcome = await RunAsync(prepared, activity, cancellationToken, inline: null);
        Finish(prepared.Invocation, outcome, Stopwatch.GetElapsedTime(started), activity, prepared.Operation);
        return outcome;
    }

    // The timeout of a call whose operation is not known yet (the worker answers an unknown one at once).
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    // The generation is held before anything is read from it, so the timeout, the concurrency slot and the binding are
    // one generation's even when a reload comes meanwhile. Binding runs plugin code (input constructors, setters,
    // validators), which may block: it holds a slot of the connector's concurrency limit, as a call's run does, so calls
    // with a callback whose binding blocks hold at most MaxConcurrentCalls threads; and it runs on the pool, so that the
    // caller is answered when the call's timeout passes, whatever that code does. A binding that ends too late gives back
    // its slot and its generation when it ends.
    private async Task<(PreparedInvocation? Prepared, InvocationError? Error)> PrepareHeldAsync(Invocation invocation, CancellationToken cancellationToken)
    {
        var lease = catalog.Acquire(invocation.ConnectorType);
        if (lease is null)
            return (null, NotFound(invocation));
        var handedOver = false;
        try
        {
            var metadata = lease.Connector.Metadata;
            var operation = metadata.FindOperation(invocation.Operation);
            if (lease.Generation.Worker is null && operation is null)
            {
                // An operation the connector does not declare is answered at once, before any plugin code, as a call
                // without a callback is: not refused Busy, or held in the queue, for a slot it would never use.
                handedOver = true;
                return BindHeld(lease, invocation);
            }
            var timeout = invocation.Timeout ?? operation?.Timeout ?? DefaultTimeout;
            using var within = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            within.CancelAfter(timeout);
            InvocationError Abandoned() => CallRunner.Abandoned(metadata.Type, timeout, cancellationToken.IsCancellationRequested).Error!;
            var (permit, refusal) = await lease.Connector.Slots.EnterAsync(metadata.Type, timeout, within.Token, cancellationToken);
            if (permit is null)
                return (null, refusal!.Error);

            // The worker binds and validates the input itself (and binds it again when the call runs): the same errors,
            // at the same moment, as in-process.
            if (lease.Generation.Worker is { } worker)
            {
                using (permit)
                {
                    InvocationError? invalid;
                    try
                    {
                        invalid = await worker.ValidateAsync(invocation, within.Token);
                    }
                    catch (OperationCanceledException) when (within.IsCancellationRequested)
                    {
                        invalid = Abandoned();
                    }
                    if (invalid is not null)
                        return (null, invalid);
                    handedOver = true;
                    return (new PreparedInvocation(invocation, lease, null) { Operation = operation }, null);
                }
            }

            // From here the binding owns the lease (a prepared call holds it, a failed binding gives it back).
            handedOver = true;
            var binding = PluginCodeStart.Run(() => Task.FromResult(BindHeld(lease, invocation)));
            _ = binding.ContinueWith(static (_, slot) => ((RateLimitLease)slot!).Dispose(), permit,
                CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            try
            {
                return await binding.WaitAsync(within.Token);
            }
            catch (OperationCanceledException) when (within.IsCancellationRequested)
            {
                _ = binding.ContinueWith(static done => done.Result.Prepared?.Dispose(), CancellationToken.None,
                    TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
                return (null, Abandoned());
            }
        }
        finally
        {
            if (!handedOver)
                lease.Dispose();
        }
    }

    // Binds a call on the generation the lease holds: the prepared call, which holds the lease, or the error, the lease given back.
    private static (PreparedInvocation? Prepared, InvocationError? Error) BindHeld(ConnectorLease lease, Invocation invocation)
    {
        try
        {
            if (Bind(lease, invocation, out var call) is { } invalid)
            {
                lease.Dispose();
                return (null, invalid);
            }
            return (new PreparedInvocation(invocation, lease, call!), null);
        }
        catch (Exception e)
        {
            lease.Dispose();
            return (null, ConnectorFailure.BeforeRun(e));
        }
    }

    private InvocationError? TryPrepare(Invocation invocation, out PreparedInvocation? prepared)
    {
        prepared = null;
        var lease = catalog.Acquire(invocation.ConnectorType);
        if (lease is null)
            return NotFound(invocation);
        try
        {
            // The worker binds and validates the input itself, with the same core; its errors come back as the outcome.
            // A call that runs at once is bound by its run, within its timeout (see ConnectorRun), once its operation is
            // known: an unknown one is answered here, before any plugin code.
            var operation = lease.Connector.Metadata.FindOperation(invocation.Operation);
            if (lease.Generation.Worker is not null || operation is not null)
            {
                prepared = new PreparedInvocation(invocation, lease, null) { Operation = operation };
                return null;
            }
            if (Bind(lease, invocation, out var call) is { } invalid)
            {
                lease.Dispose();
                return invalid;
            }
            prepared = new PreparedInvocation(invocation, lease, call!);
            return null;
        }
        catch (Exception e)
        {
            lease.Dispose();
            return ConnectorFailure.BeforeRun(e);
        }
    }

    // The run, counted in flight and with its plugin and generation on its span. It waits for the plugin code's
    // thread on every call, so its state machine comes from a pool instead of being allocated each time.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<Outcome> RunAsync(PreparedInvocation prepared, Activity? activity, CancellationToken cancellationToken, InlineStart? inline)
    {
        var inFlight = CallTelemetry.Running(prepared, activity);
        if (!prepared.TryTakeLease(out var lease))
        {
            CallTelemetry.Ended(inFlight);
            throw new InvalidOperationException("a prepared invocation runs once");
        }
        var invocation = prepared.Invocation;
        if (lease.Generation.Worker is { } worker)
        {
            try
            {
                return await RunInWorkerAsync(worker, lease, invocation, prepared.Operation, cancellationToken);
            }
            finally
            {
                CallTelemetry.Ended(inFlight);
            }
        }
        var handedOver = false;
        try
        {
            var metadata = lease.Connector.Metadata;
            var operation = prepared.Operation ?? metadata.FindOperation(invocation.Operation)!;
            var timeout = invocation.Timeout ?? operation.Timeout;
            using var cancellation = new CallCancellation(cancellationToken, timeout);

            // Past the connector's concurrency limit calls wait their turn within their own timeout; past its queue they are refused.
            var (permit, refusal) = await lease.Connector.Slots.EnterAsync(metadata.Type, timeout, cancellation.Token, cancellationToken);
            if (permit is null)
                return refusal!;

            // From here the run owns the lease and the permit (see ConnectorRun).
            var run = new ConnectorRun(lease, permit, prepared, lease.Connector.PluginLogger ??= PluginLogger(lease.Generation.PluginName),
                cancellation.Token, timeout, cancellationToken);
            handedOver = true;
            return await run.RunAsync(cancellation.Token, inline);
        }
        catch (Exception e)
        {
            return Outcome.Failure(ConnectorFailure.BeforeRun(e));
        }
        finally
        {
            if (!handedOver)
                lease.Dispose();
            CallTelemetry.Ended(inFlight);
        }
    }

    /// <summary>What a connector reads as <c>context.Invocation</c> about its call.</summary>
    internal static InvocationInfo Describe(PreparedInvocation prepared)
    {
        var invocation = prepared.Invocation;
        // The catalog finds connectors by their exact type, so this is the connector's own.
        return CallDescription.Of(invocation.Protocol, invocation.ConnectorType, prepared.Call!.Operation.Id, invocation.RequestId,
            invocation.ProcessInstanceId, invocation.Features);
    }

    /// <summary>Runs a call in the worker process serving the connector: the same concurrency limit and timeout as in the
    /// host; binding, the connector and its output in the worker. A worker that dies answers <c>PluginCrashed</c> at once.</summary>
    /// <param name="operation">The operation as the connector declares it; null for one it does not declare, which the
    /// worker answers at once.</param>
    private static async Task<Outcome> RunInWorkerAsync(WorkerProcess worker, ConnectorLease lease, Invocation invocation, OperationMetadata? operation,
        CancellationToken cancellationToken)
    {
        try
        {
            var metadata = lease.Connector.Metadata;
            var timeout = invocation.Timeout ?? operation?.Timeout ?? DefaultTimeout;
            using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            cancellation.CancelAfter(timeout);
            var (permit, refusal) = await lease.Connector.Slots.EnterAsync(metadata.Type, timeout, cancellation.Token, cancellationToken);
            using var taken = permit;
            if (permit is null)
                return refusal!;
            try
            {
                return await worker.InvokeAsync(invocation with { Timeout = timeout }, cancellation.Token);
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                return CallRunner.Abandoned(metadata.Type, timeout, cancellationToken.IsCancellationRequested);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return CallRunner.Abandoned(lease.Connector.Metadata.Type, TimeSpan.Zero, callerCancelled: true);
        }
        finally
        {
            lease.Dispose();
        }
    }

    /// <summary>Picks the operation and binds the input, inside the plugin's load context, into <paramref name="prepared"/>; the error when either fails.</summary>
    /// <remarks>
    /// The plugin's load context becomes the contextual reflection context (where <c>Type.GetType</c> and
    /// <c>Assembly.Load</c> by name resolve) and is not left here: it stays so for the rest of the async method that
    /// binds (the run's, <see cref="ConnectorRun"/>, or the pool's task of <see cref="PrepareAsync"/>), whose changes to
    /// its execution context end when it returns, so the connector then runs in it without entering it again. Each
    /// enter and each exit copies the execution context: entering once instead of entering and leaving twice saves
    /// copies on every call.
    /// </remarks>
    internal static InvocationError? Bind(ConnectorLease lease, Invocation invocation, out BoundCall? prepared)
    {
        var context = lease.Generation.Context!;
        if (AssemblyLoadContext.CurrentContextualReflectionContext != context)
            context.EnterContextualReflection();
        return invocation.InputElement is { } element
            ? CallBinder.Bind(lease.Connector.Definition!, invocation.Operation, element, invocation.KnownSecrets, out prepared)
            : CallBinder.Bind(lease.Connector.Definition!, invocation.Operation, invocation.Input, invocation.KnownSecrets, out prepared);
    }

    private static InvocationError NotFound(Invocation invocation) =>
        new(ErrorKind.UnknownConnector, "ConnectorNotFound", $"no loaded connector has the type '{EscapedText.Quote(invocation.ConnectorType)}'", Retryable: false);


    // Looked up before it is added, so a call does not allocate the factory's closure.
    private ILogger PluginLogger(string plugin) => _pluginLoggers.TryGetValue(plugin, out var logger)
        ? logger
        : _pluginLoggers.GetOrAdd(plugin, name => loggerFactory.CreateLogger("Plugin." + name));



    // known: the operation as the connector that ran the call declares it, when the pipeline found it; otherwise it is
    // looked up here.
    private void Finish(Invocation invocation, Outcome outcome, TimeSpan elapsed, Activity? activity, OperationMetadata? known)
    {
        // Named as the connector declares it: operations are found whatever their case, and each spelling a caller
        // sent ("DELETE", "dElEtE") was a metric series of its own, until the metrics' series limit was spent.
        var declared = (known ?? catalog.Find(invocation.ConnectorType)?.FindOperation(invocation.Operation)) is { } found
            ? (found.Id.Length == 0 ? "(only)" : found.Id)
            : null;
        var operation = declared ?? invocation.ShownOperation;
        CallTelemetry.Finished(invocation, declared, outcome, elapsed, activity, _errorCodes);
        recentCalls?.Add(invocation, operation, outcome, elapsed);
        var milliseconds = Math.Round(elapsed.TotalMilliseconds, 2);
        if (outcome.Error is not { } error)
        {
            // Checked first: the call would otherwise box its arguments into an array on every call, logged or not.
            if (_logger.IsEnabled(LogLevel.Debug))
                _logger.LogDebug("Connector {Connector} operation {Operation} via {Protocol} succeeded in {ElapsedMs} ms",
                    invocation.ConnectorType, operation, invocation.Protocol, milliseconds);
            return;
        }
        var level = error.Kind is ErrorKind.InvalidInput or ErrorKind.UnknownConnector or ErrorKind.UnknownOperation ? LogLevel.Information : LogLevel.Warning;
        _logger.Log(level, "Connector {Connector} operation {Operation} via {Protocol} failed in {ElapsedMs} ms: {ErrorCode} {ErrorMessage} (retryable: {Retryable})",
            invocation.ConnectorType, operation, invocation.Protocol, milliseconds, error.Code, error.Message, error.Retryable);
    }
}
