using System.Globalization;
using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Switchboard.Abstractions;
using Switchboard.Core;
using Switchboard.Core.Binding;
using Switchboard.Core.Describing;
using Switchboard.Core.Invoking;

namespace Switchboard.Testing;

/// <summary>Runs one connector in-process with JSON input through the host's own core: the same description rules,
/// binding, validation, timeout choice, secret masking and error rules as every protocol of the host.</summary>
/// <example>
/// <code>
/// await using var harness = ConnectorHarness.For&lt;CalculatorConnector&gt;();
/// var result = await harness.InvokeAsync("""{"action":"divide","a":1,"b":0}""");
/// result.Error!.Code.Should().Be("DivisionByZero");
/// </code>
/// </example>
public sealed class ConnectorHarness : IAsyncDisposable
{
    /// <summary>The host's default call timeout (Switchboard:Catalog:DefaultTimeout) for connectors that declare none.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The host's default wait for a connector's <c>Dispose</c> when it unloads a plugin (Switchboard:Catalog:StopTimeout).</summary>
    public static readonly TimeSpan DefaultStopTimeout = TimeSpan.FromSeconds(30);

    /// <summary>How long <see cref="DisposeAsync"/> waits for the connector's <c>Dispose</c>, as the host's StopTimeout: past it
    /// the dispose is left running, noted in <see cref="Logs"/>, and the test goes on.</summary>
    public TimeSpan StopTimeout { get; set; } = DefaultStopTimeout;

    private readonly ConnectorDefinition _connector;
    private readonly IPluginContext _plugin;
    private readonly ConcurrentQueue<string> _logs = new();
    private readonly OutputWriter _writer;
    private readonly CallSlots _slots;
    private int _disposed;

    /// <summary>The host's default wait for a plugin's <c>IPluginLifecycle.StartAsync</c> (Switchboard:Catalog:LoadTimeout).</summary>
    private static readonly TimeSpan LoadTimeout = TimeSpan.FromSeconds(30);

    private ConnectorHarness(Type type, IReadOnlyDictionary<string, string?>? configuration, string? pluginDirectory)
    {
        var logger = new CapturedLogger(_logs);
        var settings = new ConfigurationBuilder().AddInMemoryCollection(configuration ?? new Dictionary<string, string?>()).Build();
        _plugin = new TestPluginContext(type.Assembly.GetName().Name ?? type.Name,
            pluginDirectory ?? Path.GetDirectoryName(type.Assembly.Location) ?? AppContext.BaseDirectory, settings, logger);
        var models = new TypeModels();
        _writer = new OutputWriter(models);
        try
        {
            // The host's own describer and limits: a connector the host would refuse to load is refused here, with the
            // same reason, and calls past its concurrency limit are answered Busy as in the host.
            _connector = new ConnectorDescriber(models, _writer, _plugin, DefaultTimeout).DescribeConnector(type);
            _slots = new CallSlots(ConcurrencyLimits.Default.With(settings));
            if (_connector.Instance is IPluginLifecycle lifecycle)
                Start(lifecycle);
        }
        catch (PluginLoadException e)
        {
            throw new ArgumentException($"the host would not load this connector: {e.Message}", nameof(type), e);
        }
    }

    // A connector that is its own lifecycle is started before it serves, as the host starts it when it loads the plugin;
    // a start that fails (or outlasts the host's load timeout) refuses it, as it fails the plugin's load in the host.
    private static void Start(IPluginLifecycle lifecycle)
    {
        using var timeout = new CancellationTokenSource(LoadTimeout);
        try
        {
            Task.Run(() => lifecycle.StartAsync(timeout.Token)).WaitAsync(timeout.Token).GetAwaiter().GetResult();
        }
        catch (Exception e)
        {
            throw ConnectorDescriber.StartFailed(lifecycle, e);
        }
    }

    /// <summary>Creates <typeparamref name="TConnector"/> as the host would; <paramref name="configuration"/> is its
    /// <c>Plugins:&lt;Name&gt;</c> section (so <c>TimeoutSeconds</c> there wins over the declared timeout, as in the host).</summary>
    /// <exception cref="ArgumentException">The host would refuse to load the connector; the message says why.</exception>
    public static ConnectorHarness For<TConnector>(IReadOnlyDictionary<string, string?>? configuration = null, string? pluginDirectory = null)
        where TConnector : class => new(typeof(TConnector), configuration, pluginDirectory);

    /// <summary>Protocol details every call made through this harness carries, as a protocol adapter would hand them over
    /// (a <c>ZeebeJob</c>, a <c>SpiffTask</c>, an <c>IDocumentStore</c> of the test's own that keeps what is stored);
    /// the connector reads them with <c>context.Get&lt;T&gt;()</c>.</summary>
    public IList<object> Features { get; } = new List<object>();

    /// <summary>Everything the connector logged so far, as <c>Level: message</c>, with the calls' secret values masked as the host masks them.</summary>
    public IReadOnlyList<string> Logs => _logs.ToArray();

    /// <summary>Invokes an operation with JSON text as input; <paramref name="operation"/> may be left out for a single-operation connector.</summary>
    /// <param name="inputJson">The input as JSON text: an object, as every protocol sends it.</param>
    /// <param name="operation">The operation id (case-insensitive); may be left out when the connector has one operation.</param>
    /// <param name="timeout">Overrides the operation's timeout, as a Zeebe job's deadline does in the host.</param>
    /// <param name="cancellationToken">Cancels the call; it then fails with <c>Cancelled</c>.</param>
    public Task<ConnectorResult> InvokeAsync(string inputJson, string? operation = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        InvokeAsync(JsonNode.Parse(inputJson)?.AsObject(), operation, timeout, cancellationToken);

    /// <summary>Invokes an operation with a JSON object as input.</summary>
    /// <remarks>The call carries <see cref="Features"/>: a <c>ZeebeJob</c> among them makes it a Zeebe call (its key the
    /// request id, its process instance the call's), a <c>SpiffTask</c> a Spiff call, as the host's adapters describe
    /// them in <c>context.Invocation</c>. Past the connector's <c>MaxConcurrentCalls</c> and <c>MaxQueuedCalls</c> (from
    /// the configuration given, the host's defaults otherwise) a call is answered <c>Busy</c>, as in the host.</remarks>
    public async Task<ConnectorResult> InvokeAsync(JsonObject? input, string? operation = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        // An operation the connector does not have is answered before any plugin code runs, as in the host.
        if (_connector.Metadata.FindOperation(operation) is not { } chosen)
            return Result(Outcome.Failure(CallBinder.Bind(_connector, operation, input, [], out _)!));

        // Text no protocol reader lets through (a lone surrogate escape) is refused as every one refuses it.
        if (JsonText.FindInvalid(input) is { } notText)
            return Result(Outcome.Failure(ConnectorFailure.InvalidParameters([new FieldError(notText, JsonText.NotText)], SecretMasker.None)));

        var limit = timeout ?? chosen.Timeout;
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cancellation.CancelAfter(limit);
        var token = cancellation.Token;
        var features = Features.ToList();
        var (protocol, requestId, processInstanceId) = CallDescription.FromFeatures(features);
        var (permit, refusal) = await _slots.EnterAsync(_connector.Metadata.Type, limit, token, cancellationToken).ConfigureAwait(false);
        if (permit is null)
            return Result(refusal!);
        // Off the caller's thread and within the call's timeout, as in the host: binding runs plugin code too (setters,
        // validators), and a connector that blocks in it or in its operation cannot hold the test past its timeout.
        // The slot is the call's until its code has really ended, as in the host: not when the test stops waiting for it.
        var run = Task.Run(async () =>
        {
            using (permit)
            {
                BoundCall? call;
                try
                {
                    if (CallBinder.Bind(_connector, operation, input, [], out call) is { } invalid)
                        return Outcome.Failure(invalid);
                }
                catch (Exception e)
                {
                    return Outcome.Failure(ConnectorFailure.BeforeRun(e));
                }
                var info = CallDescription.Of(protocol, _connector.Metadata.Type, call!.Operation.Id, requestId, processInstanceId, features);
                var context = CallRunner.Context(call, new CapturedLogger(_logs), token, _plugin, info, features);
                return await CallRunner.RunAsync(call, context, _writer, _connector.Metadata.Type, limit, cancellationToken).ConfigureAwait(false);
            }
        }, CancellationToken.None);
        try
        {
            return Result(await run.WaitAsync(cancellation.Token).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            return Result(CallRunner.Abandoned(_connector.Metadata.Type, limit, cancellationToken.IsCancellationRequested));
        }
    }

    /// <summary>Stops (when it is its own <c>IPluginLifecycle</c>) and disposes the connector instance, as the host does when it unloads the plugin.</summary>
    /// <remarks>As the host does: on a thread of its own, waiting at most <see cref="StopTimeout"/>; a <c>Dispose</c> that
    /// throws or outlasts it is noted in <see cref="Logs"/> as a <c>Warning:</c> line, never thrown at the test.</remarks>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        var disposing = Task.Run(async () =>
        {
            // A connector that is its own lifecycle is stopped first, as the host stops it before disposing it.
            if (_connector.Instance is IPluginLifecycle lifecycle)
            {
                using var stopping = new CancellationTokenSource(StopTimeout);
                try
                {
                    await lifecycle.StopAsync(stopping.Token).ConfigureAwait(false);
                }
                catch (Exception e)
                {
                    _logs.Enqueue($"Warning: {lifecycle.GetType().Name}.StopAsync failed: {e.GetType().Name}: {e.Message}; the host logs this and disposes it");
                }
            }
            await ConnectorInstances.DisposeAsync(_connector.Instance).ConfigureAwait(false);
        });
        try
        {
            await disposing.WaitAsync(StopTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _logs.Enqueue(string.Create(CultureInfo.InvariantCulture, $"Warning: disposing {_connector.Metadata.Type} did not finish within {StopTimeout.TotalSeconds:0.###} s; the host logs this and unloads the plugin without it"));
        }
        catch (Exception e)
        {
            _logs.Enqueue($"Warning: disposing {_connector.Metadata.Type} failed: {e.GetType().Name}: {e.Message}; the host logs this and unloads the plugin");
        }
    }

    private ConnectorResult Result(Outcome outcome) => new(outcome.Output, outcome.Error, Logs) { Response = outcome.Response };
}
