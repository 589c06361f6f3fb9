namespace Switchboard.Abstractions;

/// <summary>Starts and stops a plugin's background work, so an unloaded plugin leaves no thread or timer behind.</summary>
/// <remarks>
/// A public class implementing it is created once per load, with a parameterless constructor or one taking
/// <see cref="IPluginContext"/>. <see cref="StartAsync"/> runs before the plugin's connectors serve;
/// <see cref="StopAsync"/> runs after its last call has finished and before it is unloaded.
/// </remarks>
public interface IPluginLifecycle
{
    /// <summary>Starts background work.</summary>
    Task StartAsync(CancellationToken cancellationToken);

    /// <summary>Stops all background work; the plugin is unloaded right after.</summary>
    Task StopAsync(CancellationToken cancellationToken);
}
