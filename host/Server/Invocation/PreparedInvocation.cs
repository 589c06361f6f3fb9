using Switchboard.Host.Catalog;
using Switchboard.Core.Describing;
using Switchboard.Core.Invoking;
using Switchboard.Host.Connectors;
using Switchboard.Core.Metadata;

namespace Switchboard.Host.Invocation;

/// <summary>A call whose connector was found and whose input was bound and validated, held on that connector's generation until it runs.</summary>
/// <remarks>Made by <see cref="InvocationPipeline.Prepare"/>; run once with <see cref="InvocationPipeline.InvokeAsync(PreparedInvocation, CancellationToken)"/>,
/// or disposed when it will never run, which lets a replaced generation unload.</remarks>
public sealed class PreparedInvocation : IDisposable
{
    private ConnectorLease? _lease;

    internal PreparedInvocation(Invocation invocation, ConnectorLease lease, BoundCall? call)
    {
        Invocation = invocation;
        _lease = lease;
        Call = call;
        Operation = call?.Operation;
    }

    /// <summary>The call as the adapter made it.</summary>
    public Invocation Invocation { get; }

    /// <summary>The bound input; null when the plugin runs in a worker process, which binds it itself, and until the
    /// run binds it (binding runs plugin code, so a call made to run at once binds within its timeout, in the run).</summary>
    internal BoundCall? Call { get; set; }

    /// <summary>The operation the call names, as its connector declares it; null when the connector declares none by
    /// that name (a plugin in a worker process answers that itself).</summary>
    internal OperationMetadata? Operation { get; init; }

    /// <summary>The connector that will run the call, until it runs.</summary>
    internal LoadedConnector? Connector => _lease?.Connector;

    /// <summary>The plugin and generation that will run the call, for its span.</summary>
    internal (string Plugin, int Generation)? Runner => _lease is { } lease ? (lease.Generation.PluginName, lease.Generation.Number) : null;

    /// <summary>The worker process that runs the call when its plugin is isolated; null in-process.</summary>
    internal Isolation.WorkerProcess? Worker => _lease?.Generation.Worker;

    /// <summary>Hands the generation lease to the run; false when it already ran or was disposed.</summary>
    internal bool TryTakeLease(out ConnectorLease lease)
    {
        lease = Interlocked.Exchange(ref _lease, null)!;
        return lease is not null;
    }

    /// <summary>Releases the generation when the call will not run.</summary>
    public void Dispose() => Interlocked.Exchange(ref _lease, null)?.Dispose();
}
