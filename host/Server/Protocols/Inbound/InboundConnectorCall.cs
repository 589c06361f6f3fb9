using System.Reflection;
using Switchboard.Core.Describing;
using Switchboard.Core.Invoking;
using Switchboard.Host.Catalog;

namespace Switchboard.Host.Protocols.Inbound;

/// <summary>One call into an inbound connector, the same for a webhook request, a poll and a subscription run: the
/// activation's properties bound inside the plugin's load context, the connector created for the call, its interface
/// method invoked without wrapping what it throws, and the instance disposed after.</summary>
internal static class InboundConnectorCall
{
    /// <summary>Runs <paramref name="call"/> with a fresh instance and the bound properties; <paramref name="misconfigured"/>
    /// when the properties fail binding or validation, <paramref name="failed"/> when the connector cannot be created
    /// (without it, that exception goes to the caller). <paramref name="call"/> handles what the connector throws.</summary>
    public static async Task<T> RunAsync<T>(PluginGeneration generation, InboundDefinition definition, Activation activation,
        Func<ActivationBinding, T> misconfigured, Func<object, ActivationBinding, Task<T>> call, Func<Exception, ActivationBinding, T>? failed = null)
    {
        using (generation.Context!.EnterContextualReflection())
        {
            var binding = ActivationBinding.Bind(activation, definition);
            if (binding.Problem is not null)
                return misconfigured(binding);
            object instance;
            try
            {
                instance = definition.Create();
            }
            catch (Exception e) when (failed is not null)
            {
                return failed(e, binding);
            }
            try
            {
                return await call(instance, binding);
            }
            finally
            {
                await ConnectorInstances.DisposeAsync(instance);
            }
        }
    }

    /// <summary>Calls the connector's interface method (<c>HandleAsync</c>, <c>PollAsync</c> or <c>RunAsync</c>) without wrapping what it throws.</summary>
    public static object Invoke(InboundDefinition definition, object instance, params object?[] arguments) =>
        definition.Handle.Invoke(instance, BindingFlags.DoNotWrapExceptions, null, arguments, null)!;

    /// <summary>The plugin's logger for one call, the activation's secret properties masked.</summary>
    public static ILogger PluginLogger(ILoggerFactory loggers, PluginGeneration generation, ActivationBinding binding) =>
        new MaskingLogger(loggers.CreateLogger("Plugin." + generation.PluginName), binding.Masker);
}
