using Switchboard.Abstractions;
using Switchboard.Core.Inbound;
using Switchboard.Core.Describing;
using Switchboard.Core.Invoking;
using Switchboard.Host.Catalog;
using Switchboard.Host.Invocation;

namespace Switchboard.Host.Protocols.Inbound;

/// <summary>One call into an inbound connector, the same for a webhook request, a poll and a subscription run: the
/// activation's properties bound inside the plugin's load context, the connector created for the call, its interface
/// method invoked without wrapping what it throws, and the instance disposed after.</summary>
internal static class InboundConnectorCall
{
    /// <summary>Starts <paramref name="call"/> with a fresh instance and the bound properties, all of it plugin code
    /// (binding runs setters and validators, creating runs a constructor, disposing runs <c>Dispose</c>) and so all of
    /// it off the caller's thread (<see cref="PluginCodeStart"/>): the caller can hold it to a time limit whatever part
    /// of it blocks. <paramref name="misconfigured"/> when the properties fail binding or validation,
    /// <paramref name="failed"/> when the connector cannot be created; <paramref name="call"/> handles what the connector
    /// throws. A <c>Dispose</c> that throws is logged and changes no result.</summary>
    public static Run<T> Start<T>(PluginGeneration generation, InboundDefinition definition, Activation activation, ILogger logger,
        Func<ActivationBinding, T> misconfigured, Func<object, ActivationBinding, Task<T>> call, Func<Exception, ActivationBinding, T> failed)
    {
        var result = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var ended = PluginCodeStart.Run(async () =>
        {
            using (generation.Context!.EnterContextualReflection())
            {
                ActivationBinding binding;
                object instance;
                try
                {
                    binding = ActivationBinding.Bind(activation.Id, activation.Properties, activation.Secrets, definition);
                    if (binding.Problem is not null)
                    {
                        result.TrySetResult(misconfigured(binding));
                        return;
                    }
                }
                catch (Exception e)
                {
                    result.TrySetException(e);
                    return;
                }
                try
                {
                    instance = definition.Create();
                }
                catch (Exception e)
                {
                    result.TrySetResult(failed(e, binding));
                    return;
                }
                try
                {
                    result.TrySetResult(await call(instance, binding));
                }
                catch (Exception e)
                {
                    result.TrySetException(e);
                }
                finally
                {
                    try
                    {
                        await ConnectorInstances.DisposeAsync(instance);
                    }
                    catch (Exception e)
                    {
                        logger.LogWarning(e, "Inbound activation {Activation} ({Connector}): the connector's Dispose failed",
                            activation.Id, activation.ConnectorType);
                    }
                }
            }
        });
        return new Run<T>(result.Task, ended);
    }

    /// <summary>A started call: <see cref="Result"/> once the connector's method has answered, <see cref="Ended"/> once
    /// its instance is disposed too (the end of the plugin code it runs).</summary>
    public readonly record struct Run<T>(Task<T> Result, Task Ended);

    /// <summary>The plugin's logger for one call, the activation's secret properties masked.</summary>
    public static ILogger PluginLogger(ILoggerFactory loggers, PluginGeneration generation, ActivationBinding binding) =>
        new MaskingLogger(loggers.CreateLogger("Plugin." + generation.PluginName), binding.Masker);

    /// <summary>A connector's failure as one line: its code and message (and the field, for an input error), secrets masked.</summary>
    public static string Describe(Exception e, ActivationBinding binding) => binding.Masker.Apply(e switch
    {
        ConnectorInputException { Field: { } field } input => $"{input.Code}: {field} {input.Message}",
        ConnectorException connector => $"{connector.Code}: {connector.Message}",
        // A constructor that threw: the core's message names the class and what it threw.
        PluginLoadException load => load.Message,
        _ => $"{e.GetType().Name}: {e.Message}",
    });
}
