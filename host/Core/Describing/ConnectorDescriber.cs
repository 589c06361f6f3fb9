using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using Switchboard.Abstractions;
using Switchboard.Abstractions.Inbound;
using Switchboard.Abstractions.Spiff;
using Switchboard.Core.Binding;
using Switchboard.Core.Invoking;
using Switchboard.Core.Metadata;

namespace Switchboard.Core.Describing;

/// <summary>Reads the connectors a plugin assembly declares, creating each once and describing it as plugin-free metadata.</summary>
internal sealed class ConnectorDescriber(TypeModels models, OutputWriter writer, IPluginContext plugin, TimeSpan defaultTimeout)
{
    public IReadOnlyList<ConnectorDefinition> Connectors { get; private set; } = [];
    public IReadOnlyList<InboundDefinition> Inbound { get; private set; } = [];
    public IReadOnlyList<IPluginLifecycle> Lifecycles { get; private set; } = [];

    public void Describe(Assembly assembly)
    {
        Type[] types;
        try
        {
            types = assembly.GetExportedTypes();
        }
        catch (Exception e) when (e is ReflectionTypeLoadException or FileNotFoundException or FileLoadException or TypeLoadException)
        {
            throw new PluginLoadException($"cannot read the plugin's types: {Describe(e)}", e);
        }

        var connectors = new List<ConnectorDefinition>();
        var inbound = new List<InboundDefinition>();
        var lifecycles = new List<IPluginLifecycle>();
        foreach (var type in types.Where(t => t is { IsClass: true, IsAbstract: false }))
        {
            try
            {
                ConnectorDefinition? described = null;
                if (type.GetCustomAttribute<ConnectorAttribute>() is { } connector)
                    connectors.Add(described = DescribeConnector(type, connector));
                if (type.GetCustomAttribute<InboundConnectorAttribute>() is { } inboundAttribute)
                    inbound.Add(DescribeInbound(type, inboundAttribute));
                // A connector that is its own lifecycle is started and stopped as the instance that serves its calls:
                // a second instance made here started what the serving one never saw.
                if (typeof(IPluginLifecycle).IsAssignableFrom(type))
                    lifecycles.Add((IPluginLifecycle)(described?.Instance ?? Create(type)));
            }
            catch (Exception e) when (e is not PluginLoadException)
            {
                throw new PluginLoadException($"{type.FullName}: {Describe(e)}", e);
            }
        }
        var duplicate = connectors.GroupBy(c => c.Metadata.Type).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new PluginLoadException($"connector type '{duplicate.Key}' is declared twice in the plugin");
        if (connectors.Count == 0 && inbound.Count == 0)
            throw new PluginLoadException("the plugin declares no public class marked [Connector] or [InboundConnector]");
        Connectors = connectors;
        Inbound = inbound;
        Lifecycles = lifecycles;
    }

    /// <summary>Why a plugin does not load when <paramref name="lifecycle"/>'s start failed (or outlasted its time).</summary>
    public static PluginLoadException StartFailed(IPluginLifecycle lifecycle, Exception e) =>
        new($"{lifecycle.GetType().FullName}.StartAsync failed: {Describe(e)}", e);

    /// <summary>Describes one connector class by the same rules as a whole plugin (the author kit's entry point).</summary>
    public ConnectorDefinition DescribeConnector(Type type)
    {
        var attribute = type.GetCustomAttribute<ConnectorAttribute>()
            ?? throw new PluginLoadException($"{type.FullName} is not marked [Connector]");
        // The host finds connectors among a plugin's public types only: one that is not public is never served.
        if (!type.IsVisible)
            throw new PluginLoadException($"{type.FullName} is not public: the host serves only public classes marked [Connector]");
        try
        {
            return DescribeConnector(type, attribute);
        }
        catch (Exception e) when (e is not PluginLoadException)
        {
            throw new PluginLoadException($"{type.FullName}: {Describe(e)}", e);
        }
    }

    private ConnectorDefinition DescribeConnector(Type type, ConnectorAttribute attribute)
    {
        if (string.IsNullOrWhiteSpace(attribute.Type))
            throw new PluginLoadException($"{type.FullName}: [Connector] needs a non-empty type");
        var methods = type.GetMethods(BindingFlags.Public | BindingFlags.Instance)
            .Select(m => (Method: m, Attribute: m.GetCustomAttribute<OperationAttribute>()))
            .Where(m => m.Attribute is not null)
            .ToList();
        if (methods.Count == 0)
            throw new PluginLoadException($"{type.FullName}: a connector needs at least one public method marked [Operation]");
        if (methods.Count > 1 && methods.Any(m => m.Attribute!.Id.Length == 0))
            throw new PluginLoadException($"{type.FullName}: with several operations, each [Operation] needs an id");

        var instance = Create(type);
        var configuredTimeout = ConfiguredTimeout();
        var operations = new List<OperationMetadata>();
        var parameters = new ParameterDescriber(writer, type.FullName!, attribute.Type);
        var invokers = new Dictionary<string, OperationInvoker>(StringComparer.OrdinalIgnoreCase);
        foreach (var (method, operation) in methods)
        {
            var arguments = method.GetParameters();
            if (arguments.Length is < 1 or > 2 || (arguments.Length == 2 && arguments[1].ParameterType != typeof(IConnectorContext)))
                throw new PluginLoadException($"{type.FullName}.{method.Name}: an operation takes (input) or (input, IConnectorContext)");
            var inputModel = models.For(arguments[0].ParameterType).Object
                ?? throw new PluginLoadException($"{type.FullName}.{method.Name}: the input must be a class with properties");
            var outputType = OperationInvoker.OutputTypeOf(method);
            var outputModel = outputType is null ? null : models.For(outputType).Object;
            // A declared timeout past what a timer takes would throw on every call: it means "as long as can be".
            var timeout = Math.Min(operation!.TimeoutSeconds > 0 ? operation.TimeoutSeconds : attribute.TimeoutSeconds, LongestWait.Seconds);
            operations.Add(new OperationMetadata(
                operation.Id,
                operation.Name ?? (operation.Id.Length == 0 ? attribute.Name ?? type.Name : TypeModels.Words(operation.Id)),
                operation.Description ?? (operation.Id.Length == 0 ? attribute.Description : null),
                SpiffCommandOf(type, attribute, operation, method, methods.Count),
                configuredTimeout ?? (timeout > 0 ? TimeSpan.FromSeconds(timeout) : defaultTimeout),
                operation.LongRunning || attribute.LongRunning,
                parameters.Describe(inputModel),
                outputModel is null ? [] : parameters.Describe(outputModel)));
            invokers[operation.Id] = new OperationInvoker(instance, method, inputModel);
        }
        var duplicateId = operations.GroupBy(o => o.Id, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicateId is not null)
            throw new PluginLoadException($"{type.FullName}: operation '{duplicateId.Key}' is declared twice");

        var metadata = new ConnectorMetadata(attribute.Type, attribute.Name ?? TypeModels.Words(type.Name), attribute.Description,
            attribute.Version, attribute.DocumentationUrl, plugin.PluginName, operations)
        {
            Icon = ConnectorIcon.Read(type, attribute.Icon, plugin.PluginDirectory),
            Keywords = Keywords(attribute.Keywords),
        };
        return new ConnectorDefinition(metadata, instance, invokers);
    }

    // Blank keywords say nothing, and a repeated one says it twice.
    private static IReadOnlyList<string> Keywords(string[]? declared) =>
        declared?.Where(k => !string.IsNullOrWhiteSpace(k)).Select(k => k.Trim()).Distinct().ToList() ?? [];

    /// <summary><c>Plugins:&lt;Plugin&gt;:TimeoutSeconds</c>: the operator knows how slow a backend is, so the setting wins over what the plugin declares.</summary>
    private TimeSpan? ConfiguredTimeout()
    {
        var value = plugin.Configuration["TimeoutSeconds"];
        if (string.IsNullOrWhiteSpace(value))
            return null;
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0 && seconds <= LongestWait.Seconds)
            return TimeSpan.FromSeconds(seconds);
        throw new PluginLoadException($"Plugins:{plugin.PluginName}:TimeoutSeconds must be a positive number of seconds up to {LongestWait.Seconds} (about 49 days), not '{Outcomes.EscapedText.Of(value, 100)}'");
    }

    /// <summary>The <c>[SpiffCommand]</c> of the operation, else (for a single operation) of the class; else derived from the
    /// class's command prefix or the plugin name. The attributes' older <c>SpiffCommand</c> properties still count.</summary>
    private string SpiffCommandOf(Type type, ConnectorAttribute connector, OperationAttribute operation, MethodInfo method, int operationCount)
    {
#pragma warning disable CS0618 // the obsolete properties stay honoured: connectors built against 1.0 keep their commands
        var onClass = type.GetCustomAttribute<SpiffCommandAttribute>()?.Id ?? connector.SpiffCommand;
        var command = method.GetCustomAttribute<SpiffCommandAttribute>()?.Id ?? operation.SpiffCommand ?? (operationCount == 1 ? onClass : null);
#pragma warning restore CS0618
        if (command is null)
        {
            var prefix = onClass?.Split('/')[0] ?? plugin.PluginName.ToLowerInvariant();
            var name = operation.Id.Length > 0 ? operation.Id : method.Name;
            command = prefix + "/" + char.ToUpperInvariant(name[0]) + name[1..];
        }
        var slash = command.IndexOf('/');
        if (slash <= 0 || slash == command.Length - 1 || command.IndexOf('/', slash + 1) >= 0)
            throw new PluginLoadException($"SpiffWorkflow command '{command}' must be '<plugin>/<Command>' with exactly one '/'");
        // Both parts are path segments of /v1/do/{plugin}/{Command}: '?' and '#' would end the path in a caller's URL and
        // '%' begin an escape, so the call would reach another command or none.
        if (command.IndexOfAny(['?', '#', '%']) is var at and >= 0 || (at = command.AsSpan().IndexOfAnyInRange('\0', '\u001f')) >= 0)
            throw new PluginLoadException($"SpiffWorkflow command '{command}' holds '{(command[at] < ' ' ? $"\\u{(int)command[at]:x4}" : command[at])}', which a URL path cannot carry as it is");
        return command;
    }

    /// <summary>Describes one inbound connector type (for tests; a plugin's are described by <see cref="Describe(Assembly)"/>).</summary>
    internal InboundDefinition DescribeInbound(Type type) =>
        DescribeInbound(type, type.GetCustomAttribute<InboundConnectorAttribute>() ?? throw new PluginLoadException($"{type.FullName}: not an [InboundConnector]"));

    private InboundDefinition DescribeInbound(Type type, InboundConnectorAttribute attribute)
    {
        if (string.IsNullOrWhiteSpace(attribute.Type))
            throw new PluginLoadException($"{type.FullName}: [InboundConnector] needs a non-empty type");
        var (contract, kind, method) = InboundContract(type);
        var propertiesType = contract.GetGenericArguments()[0];
        var properties = models.For(propertiesType).Object
            ?? throw new PluginLoadException($"{type.FullName}: the properties type {propertiesType.Name} must be a class with properties");
        if (type.GetConstructor([typeof(IPluginContext)]) is null && type.GetConstructor(Type.EmptyTypes) is null)
            throw new PluginLoadException($"{type.FullName}: needs a public parameterless constructor or one taking IPluginContext");
        var parameters = new ParameterDescriber(writer, type.FullName!, attribute.Type).Describe(properties);
        // An activation's properties and the host's own settings of it (its result variable, its message's time to live...)
        // are one set of names on the BPMN element and in configuration: a property of the same name would read the
        // host's setting as its own, and its template field would overwrite the host's.
        if (parameters.FirstOrDefault(p => ActivationSettings.Contains(p.Id)) is { } clash)
            throw new PluginLoadException($"{type.FullName}: property '{clash.Id}' of inbound connector '{attribute.Type}' has the name of an " +
                $"activation setting the host reads itself ({string.Join(", ", ActivationSettings)}); give it another id, such as [Parameter(\"inbound.{clash.Id}\")]");
        var metadata = new InboundConnectorMetadata(attribute.Type, attribute.Name ?? TypeModels.Words(type.Name), attribute.Description,
            attribute.Version, kind, plugin.PluginName, parameters)
        {
            Icon = ConnectorIcon.Read(type, attribute.Icon, plugin.PluginDirectory),
            Keywords = Keywords(attribute.Keywords),
            DocumentationUrl = attribute.DocumentationUrl,
        };
        return new InboundDefinition(metadata, type, propertiesType, properties, contract.GetMethod(method)!, () => Create(type));
    }

    /// <summary>The names of an activation's own settings, which the host reads beside the connector's properties.</summary>
    private static readonly string[] ActivationSettings =
    [
        "inbound.type", "activationCondition", "consumeUnmatchedEvents", "correlationKeyExpression", "messageIdExpression",
        "messageTtl", "messageName", "bpmnProcessId", "resultVariable", "resultExpression",
    ];

    /// <summary>Which of the three inbound interfaces <paramref name="type"/> implements (exactly one), and the method the host calls.</summary>
    private static (Type Contract, InboundKind Kind, string Method) InboundContract(Type type)
    {
        (Type Definition, InboundKind Kind, string Method)[] kinds =
        [
            (typeof(IWebhookConnector<>), InboundKind.Webhook, nameof(IWebhookConnector<object>.HandleAsync)),
            (typeof(IPollingConnector<>), InboundKind.Polling, nameof(IPollingConnector<object>.PollAsync)),
            (typeof(ISubscriptionConnector<>), InboundKind.Subscription, nameof(ISubscriptionConnector<object>.RunAsync)),
        ];
        var found = type.GetInterfaces().Where(i => i.IsGenericType)
            .SelectMany(i => kinds.Where(k => i.GetGenericTypeDefinition() == k.Definition).Select(k => (i, k.Kind, k.Method)))
            .ToList();
        return found.Count switch
        {
            1 => found[0],
            0 => throw new PluginLoadException($"{type.FullName}: an inbound connector implements IWebhookConnector<TProperties>, IPollingConnector<TProperties> or ISubscriptionConnector<TProperties>"),
            _ => throw new PluginLoadException($"{type.FullName}: an inbound connector implements one inbound interface, not {string.Join(" and ", found.Select(f => f.i.Name))}"),
        };
    }

    private object Create(Type type)
    {
        try
        {
            if (type.GetConstructor([typeof(IPluginContext)]) is { } withContext)
                return withContext.Invoke([plugin]);
            if (type.GetConstructor(Type.EmptyTypes) is { } parameterless)
                return parameterless.Invoke(null);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw new PluginLoadException($"{type.FullName}: constructor threw {Describe(e.InnerException)}", e.InnerException);
        }
        throw new PluginLoadException($"{type.FullName}: needs a public parameterless constructor or one taking IPluginContext");
    }

    internal static string Describe(Exception e) => e switch
    {
        ReflectionTypeLoadException r => string.Join("; ", r.LoaderExceptions.Where(l => l is not null).Select(l => l!.Message).Distinct()),
        _ => $"{e.GetType().Name}: {e.Message}",
    };
}
