using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Switchboard.Abstractions;
using Switchboard.Host.Binding;
using Switchboard.Host.Connectors;
using Switchboard.Host.Invocation;

namespace Switchboard.Testing;

/// <summary>Runs one connector in-process with JSON input, binding, validating and reporting errors by the host's rules.</summary>
/// <example>
/// <code>
/// var harness = ConnectorHarness.For&lt;CalculatorConnector&gt;();
/// var result = await harness.InvokeAsync("""{"action":"divide","a":1,"b":0}""");
/// result.Error!.Code.Should().Be("DivisionByZero");
/// </code>
/// </example>
public sealed class ConnectorHarness
{
    /// <summary>The host's default call timeout (Switchboard:Catalog:DefaultTimeout) for connectors that declare none.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private readonly object _connector;
    private readonly ConnectorAttribute _attribute;
    private readonly IPluginContext _plugin;
    private readonly ConcurrentQueue<string> _logs;
    private readonly TypeModels _models = new();
    private readonly Dictionary<string, (OperationAttribute Attribute, OperationInvoker Invoker)> _operations = new(StringComparer.OrdinalIgnoreCase);

    private ConnectorHarness(Type type, IReadOnlyDictionary<string, string?>? configuration, string? pluginDirectory)
    {
        _attribute = type.GetCustomAttribute<ConnectorAttribute>()
            ?? throw new ArgumentException($"{type.FullName} is not marked [Connector]", nameof(type));
        _logs = new ConcurrentQueue<string>();
        var logger = new CapturedLogger(_logs);
        var settings = new ConfigurationBuilder().AddInMemoryCollection(configuration ?? new Dictionary<string, string?>()).Build();
        _plugin = new TestPluginContext(type.Assembly.GetName().Name ?? type.Name, pluginDirectory ?? Path.GetDirectoryName(type.Assembly.Location) ?? AppContext.BaseDirectory, settings, logger);
        // Same construction rule as the host: a constructor taking IPluginContext wins over a parameterless one.
        _connector = type.GetConstructor([typeof(IPluginContext)]) is { } withContext
            ? withContext.Invoke([_plugin])
            : Activator.CreateInstance(type) ?? throw new ArgumentException($"{type.FullName} cannot be created", nameof(type));

        foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance))
        {
            if (method.GetCustomAttribute<OperationAttribute>() is not { } operation)
                continue;
            var input = _models.For(method.GetParameters()[0].ParameterType).Object
                ?? throw new ArgumentException($"{type.FullName}.{method.Name}: the input must be a class with properties");
            _operations[operation.Id] = (operation, new OperationInvoker(_connector, method, input));
        }
        if (_operations.Count == 0)
            throw new ArgumentException($"{type.FullName} has no public method marked [Operation]", nameof(type));
    }

    /// <summary>Creates <typeparamref name="TConnector"/> as the host would; <paramref name="configuration"/> is its <c>Plugins:&lt;Name&gt;</c> section.</summary>
    public static ConnectorHarness For<TConnector>(IReadOnlyDictionary<string, string?>? configuration = null, string? pluginDirectory = null)
        where TConnector : class => new(typeof(TConnector), configuration, pluginDirectory);

    /// <summary>Everything the connector logged so far, as <c>Level: message</c>.</summary>
    public IReadOnlyList<string> Logs => _logs.ToArray();

    /// <summary>Invokes an operation with JSON text as input; <paramref name="operation"/> may be left out for a single-operation connector.</summary>
    public Task<ConnectorResult> InvokeAsync(string inputJson, string? operation = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        InvokeAsync(JsonNode.Parse(inputJson)?.AsObject(), operation, timeout, cancellationToken);

    /// <summary>Invokes an operation with a JSON object as input.</summary>
    public async Task<ConnectorResult> InvokeAsync(JsonObject? input, string? operation = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        if (!TryFind(operation, out var chosen, out var unknown))
            return new ConnectorResult(null, unknown, Logs);
        var (attribute, invoker) = chosen;

        var errors = new List<FieldError>();
        var secrets = new HashSet<string>(StringComparer.Ordinal);
        object bound;
        try
        {
            bound = InputBinder.Bind(input, invoker.Input, errors, secrets);
            InputValidator.Validate(bound, invoker.Input, errors);
        }
        catch (Exception e)
        {
            return new ConnectorResult(null, ConnectorFailure.BeforeRun(e), Logs);
        }
        var masker = new SecretMasker(secrets);
        if (errors.Count > 0)
            return new ConnectorResult(null, ConnectorFailure.InvalidParameters(errors, masker), Logs);

        var seconds = attribute.TimeoutSeconds > 0 ? attribute.TimeoutSeconds : _attribute.TimeoutSeconds;
        var limit = timeout ?? (seconds > 0 ? TimeSpan.FromSeconds(seconds) : DefaultTimeout);
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cancellation.CancelAfter(limit);
        var info = new InvocationInfo { Protocol = Protocol.InProcess, ConnectorType = _attribute.Type, Operation = attribute.Id, RequestId = Guid.NewGuid().ToString("N") };
        var context = new ConnectorContext(new CapturedLogger(_logs), cancellation.Token, _plugin, info);
        var writer = new OutputWriter(_models);

        var run = Task.Run(() => invoker.InvokeAsync(bound, context), CancellationToken.None);
        var finished = await Task.WhenAny(run, Task.Delay(Timeout.Infinite, cancellation.Token)).ConfigureAwait(false);
        if (finished != run)
            return new ConnectorResult(null, ConnectorFailure.Timeout(_attribute.Type, limit), Logs);
        try
        {
            var success = ConnectorOutput.ToOutcome(await run.ConfigureAwait(false), writer, masker);
            return new ConnectorResult(success.Output, null, Logs) { Response = success.Response };
        }
        catch (Exception e)
        {
            return new ConnectorResult(null, ConnectorFailure.From(e, writer, masker, cancellation.IsCancellationRequested), Logs);
        }
    }

    private bool TryFind(string? operation, out (OperationAttribute, OperationInvoker) chosen, out InvocationError? unknown)
    {
        unknown = null;
        if (string.IsNullOrEmpty(operation) && _operations.Count == 1)
        {
            chosen = _operations.Values.First();
            return true;
        }
        if (operation is not null && _operations.TryGetValue(operation, out chosen))
            return true;
        chosen = default;
        var known = string.Join(", ", _operations.Keys);
        unknown = new InvocationError(ErrorKind.UnknownOperation, "OperationNotFound", string.IsNullOrEmpty(operation)
            ? $"connector '{_attribute.Type}' needs an operation: one of {known}"
            : $"connector '{_attribute.Type}' has no operation '{operation}'; it has: {known}", false);
        return false;
    }
}
