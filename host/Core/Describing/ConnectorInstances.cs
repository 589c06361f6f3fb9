namespace Switchboard.Core.Describing;

/// <summary>Ends the objects a plugin made for its connectors and lifecycles, the same way in the host and the kit.</summary>
internal static class ConnectorInstances
{
    /// <summary>Disposes <paramref name="instance"/> asynchronously when it can, else synchronously; exceptions are the caller's to log.</summary>
    public static ValueTask DisposeAsync(object instance)
    {
        if (instance is IAsyncDisposable asyncDisposable)
            return asyncDisposable.DisposeAsync();
        (instance as IDisposable)?.Dispose();
        return ValueTask.CompletedTask;
    }
}
