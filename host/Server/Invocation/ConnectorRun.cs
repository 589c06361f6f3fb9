using System.Runtime.Loader;
using System.Threading.RateLimiting;
using System.Threading.Tasks.Sources;
using Switchboard.Core;
using Switchboard.Core.Binding;
using Switchboard.Core.Invoking;
using Switchboard.Host.Catalog;

namespace Switchboard.Host.Invocation;

/// <summary>The plugin-code part of one in-process call: run on a pool thread of its own (or on the adapter's, see
/// <see cref="InlineStart"/>) and waited for until it ends or the call's token fires, whichever comes first.</summary>
/// <remarks>
/// Plugin code never starts beneath the code that answers its call: a connector that blocks synchronously would
/// otherwise hold the thread that must answer its timeout. This is what <c>Task.Run(...).WaitAsync(token)</c> does, in one object
/// instead of a closure, a task, its unwrapping promise and a cancellation promise per call (the pipeline's hottest
/// path). The lease and the permit travel with the run: a call that outlives its wait keeps its generation loaded and
/// its concurrency slot taken until the plugin code really ends.
/// </remarks>
internal sealed class ConnectorRun : IThreadPoolWorkItem, IValueTaskSource<Outcome>
{
    private readonly ConnectorLease _lease;
    private readonly RateLimitLease _permit;
    private readonly PreparedInvocation _prepared;
    private readonly ILogger _logger;
    private readonly CancellationToken _callToken;
    private readonly TimeSpan _timeout;
    private readonly CancellationToken _callerCancellation;
    private readonly ExecutionContext? _executionContext = ExecutionContext.Capture();
    private ManualResetValueTaskSourceCore<Outcome> _answer;
    private int _answered;
    private CancellationTokenRegistration _registration;

    /// <summary>A run of <paramref name="prepared"/> holding <paramref name="lease"/> and <paramref name="permit"/> until it
    /// ends; it binds the call's input first when that is not done yet, so that the plugin code binding runs (input
    /// constructors, setters, validators) is within the call's timeout as the connector is.</summary>
    /// <param name="pluginLogger">The plugin's logger, for the connector's context.</param>
    /// <param name="callToken">The call's token (its deadline and its caller's cancellation), which the connector sees.</param>
    public ConnectorRun(ConnectorLease lease, RateLimitLease permit, PreparedInvocation prepared, ILogger pluginLogger, CancellationToken callToken,
        TimeSpan timeout, CancellationToken callerCancellation)
    {
        _lease = lease;
        _permit = permit;
        _prepared = prepared;
        _logger = pluginLogger;
        _callToken = callToken;
        _timeout = timeout;
        _callerCancellation = callerCancellation;
    }

    /// <summary>Queues the plugin code on the pool (or leaves it to <paramref name="inline"/>) and waits for its outcome,
    /// or for <paramref name="wait"/> to fire (the call's deadline or its caller's cancellation), which answers
    /// <see cref="CallRunner.Abandoned"/>.</summary>
    /// <remarks>Not an async method: the returned task is this object, so the wait allocates nothing more.</remarks>
    public ValueTask<Outcome> RunAsync(CancellationToken wait, InlineStart? inline)
    {
        // Registered before the run starts, so whichever answers first finds the registration to release.
        _registration = wait.UnsafeRegister(static state => ((ConnectorRun)state!).Abandon(), this);
        BlockedThreadCompensator.Shared.Queued();
        // Like Task.Run from a pool thread: the run goes to this thread's own queue, picked up as soon as the adapter awaits.
        if (inline is null || !inline.TryDefer(this))
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: true);
        return new ValueTask<Outcome>(this, _answer.Version);
    }

    void IThreadPoolWorkItem.Execute()
    {
        // The caller's execution context flows as with Task.Run: its span, log scopes and contextual reflection.
        if (_executionContext is null)
            Start();
        else
            ExecutionContext.Run(_executionContext, static state => ((ConnectorRun)state!).Start(), this);
    }

    private void Start()
    {
        using (BlockedThreadCompensator.Shared.Enter())
            _ = RunConnectorAsync();
    }

    private async Task RunConnectorAsync()
    {
        var generation = _lease.Generation;
        try
        {
            var invocation = _prepared.Invocation;
            if (_prepared.Call is null)
            {
                // Binding enters the plugin's load context for the rest of this method (see InvocationPipeline.Bind).
                if (InvocationPipeline.Bind(_lease, invocation, out var bound) is { } invalid)
                {
                    Answer(Outcome.Failure(invalid));
                    return;
                }
                _prepared.Call = bound;
            }
            var call = _prepared.Call!;
            // The call's description is made only if the connector asks for it (or for its logger).
            var context = CallRunner.Context(call, _logger, _callToken, generation.PluginContext,
                static state => InvocationPipeline.Describe((PreparedInvocation)state), _prepared, invocation.Features);
            Outcome outcome;
            // A call bound in this flow is already in the plugin's load context: the empty scope leaves it so. One
            // prepared earlier and run later (a callback's) enters it here, and leaves it before the answer wakes its caller.
            using (AssemblyLoadContext.CurrentContextualReflectionContext == generation.Context ? default : generation.Context!.EnterContextualReflection())
            {
                // The connector's awaits come back marked as plugin code (see PluginCodeContext); ours here does not.
                ValueTask<Outcome> running;
                using (PluginCodeContext.Install())
                    running = CallRunner.RunAsync(call, context, generation.Writer, _lease.Connector.Metadata.Type, _timeout, _callerCancellation);
                outcome = await running;
            }
            Answer(outcome);
        }
        catch (Exception e)
        {
            Answer(Outcome.Failure(ConnectorFailure.BeforeRun(e)));
        }
        finally
        {
            _permit.Dispose();
            _lease.Dispose();
        }
    }

    // The wait ended first: answered from the pool, so the adapter's code never runs on the timer's thread.
    private void Abandon() => ThreadPool.UnsafeQueueUserWorkItem(static run =>
        run.Answer(CallRunner.Abandoned(run._lease.Connector.Metadata.Type, run._timeout, run._callerCancellation.IsCancellationRequested)), this, preferLocal: false);

    private void Answer(Outcome outcome)
    {
        if (Interlocked.Exchange(ref _answered, 1) != 0)
            return;
        _registration.Dispose();
        // The waiting adapter goes on right here: outside the plugin code's context (see PluginCodeContext), so that its
        // own awaits come back as they would without one.
        var context = SynchronizationContext.Current;
        if (context is not null)
            SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            _answer.SetResult(outcome);
        }
        finally
        {
            if (context is not null)
                SynchronizationContext.SetSynchronizationContext(context);
        }
    }

    Outcome IValueTaskSource<Outcome>.GetResult(short token) => _answer.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<Outcome>.GetStatus(short token) => _answer.GetStatus(token);

    void IValueTaskSource<Outcome>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _answer.OnCompleted(continuation, state, token, flags);
}
