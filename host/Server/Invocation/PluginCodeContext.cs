namespace Switchboard.Host.Invocation;

/// <summary>The synchronization context plugin code runs under: each continuation of its awaits comes back through it
/// and runs on the pool marked as plugin code, as the code's first stretch is, so that <see cref="BlockedThreadCompensator"/>
/// gives the pool a thread back for code that blocks after an await too.</summary>
/// <remarks>
/// Only the stretch up to a connector's first await ran marked. Code that awaited once and then blocked (sync-over-async,
/// a synchronous read in an async method) held pool threads the host never counted: 64 such calls starved every protocol
/// for most of a minute while the pool grew by a thread or two a second. An await in plugin code (without
/// <c>ConfigureAwait(false)</c>) captures this context; its continuation is queued to the pool as the default context
/// would queue it, with the mark around it. Unlike a UI context, it never runs continuations on one particular thread,
/// so plugin code that waits synchronously on its own async work does not deadlock.
/// </remarks>
internal sealed class PluginCodeContext : SynchronizationContext
{
    /// <summary>The one instance: it holds no state.</summary>
    public static PluginCodeContext Instance { get; } = new();

    private PluginCodeContext()
    {
    }

    /// <summary>Makes this the current context until the result is disposed, which puts back the one before.</summary>
    public static Installed Install()
    {
        var previous = Current;
        SetSynchronizationContext(Instance);
        return new Installed(previous);
    }

    /// <inheritdoc/>
    public override void Post(SendOrPostCallback d, object? state)
    {
        BlockedThreadCompensator.Shared.Queued();
        ThreadPool.UnsafeQueueUserWorkItem(static work => work.Context.Run(work.Callback, work.State), (Context: this, Callback: d, State: state),
            preferLocal: false);
    }

    /// <inheritdoc/>
    public override SynchronizationContext CreateCopy() => this;

    private void Run(SendOrPostCallback callback, object? state)
    {
        using (Install())
        using (BlockedThreadCompensator.Shared.Enter())
            callback(state);
    }

    /// <summary>The context installed by <see cref="Install"/>, until disposed.</summary>
    public readonly struct Installed(SynchronizationContext? previous) : IDisposable
    {
        public void Dispose() => SetSynchronizationContext(previous);
    }
}
