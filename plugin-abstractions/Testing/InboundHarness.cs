using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Switchboard.Abstractions;
using Switchboard.Abstractions.Inbound;
using Switchboard.Core.Binding;
using Switchboard.Core.Describing;
using Switchboard.Core.Inbound;
using Switchboard.Core.Invoking;
using Switchboard.Core.Metadata;

namespace Switchboard.Testing;

/// <summary>Runs one inbound connector in-process for one activation through the host's own core: the same description
/// rules, binding and validation of the activation's properties (given as text, as a BPMN element or the host's
/// configuration holds them), secret masking, FEEL evaluator and instance per call as the host.</summary>
/// <remarks>
/// What the host does around the connector (the activation condition, the correlation key, publishing to Zeebe, the
/// webhook's HTTP answer, the poller's cursor file and schedule) is not run here: each call returns what the connector
/// gave, and what it throws reaches the test as thrown. As in the host, every call gets a new instance of the connector,
/// disposed after it, and runs off the test's thread within <see cref="Timeout"/>.
/// </remarks>
/// <example>
/// <code>
/// var harness = InboundHarness.For&lt;OrdersPoller&gt;(new Dictionary&lt;string, string&gt; { ["url"] = "https://shop.example/orders" });
/// var poll = await harness.PollAsync(cursor: null);
/// poll.Events[0]!["id"]!.GetValue&lt;int&gt;().Should().Be(1);
/// </code>
/// </example>
public sealed class InboundHarness
{
    /// <summary>The host's default call timeout (<c>Switchboard:Catalog:DefaultTimeout</c>), which holds a webhook request's
    /// check and a poll.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private readonly InboundDefinition _connector;
    private readonly IPluginContext _plugin;
    private readonly OutputWriter _writer;
    private readonly ConcurrentQueue<string> _logs = new();
    private readonly IReadOnlyDictionary<string, string> _properties;
    private readonly IReadOnlyCollection<string> _secrets;

    private InboundHarness(Type type, IReadOnlyDictionary<string, string> properties, IReadOnlyDictionary<string, string?>? configuration,
        string? pluginDirectory, string activationId, IReadOnlyCollection<string> secrets)
    {
        var settings = new ConfigurationBuilder().AddInMemoryCollection(configuration ?? new Dictionary<string, string?>()).Build();
        _plugin = new TestPluginContext(type.Assembly.GetName().Name ?? type.Name,
            pluginDirectory ?? Path.GetDirectoryName(type.Assembly.Location) ?? AppContext.BaseDirectory, settings, new CapturedLogger(_logs));
        var models = new TypeModels();
        _writer = new OutputWriter(models);
        try
        {
            _connector = new ConnectorDescriber(models, _writer, _plugin, DefaultTimeout).DescribeInbound(type);
        }
        catch (PluginLoadException e)
        {
            throw new ArgumentException($"the host would not load this inbound connector: {e.Message}", nameof(type), e);
        }
        _properties = properties;
        _secrets = secrets;
        ActivationId = activationId;
        // Bound once here to say at once what the host would report; every call binds again, as the host does. Binding
        // runs plugin code (setters, validators): off the test's thread and within the timeout, as every call binds.
        var binding = Task.Run(() => ActivationBinding.Bind(activationId, properties, secrets, _connector));
        try
        {
            Problem = binding.WaitAsync(DefaultTimeout).GetAwaiter().GetResult().Problem;
        }
        catch (TimeoutException)
        {
            throw new TimeoutException(string.Create(CultureInfo.InvariantCulture,
                $"binding the activation's properties did not finish within {DefaultTimeout.TotalSeconds:0} s (a setter or validator that blocks)"));
        }
    }

    /// <summary>An activation of <typeparamref name="TConnector"/> with <paramref name="properties"/> (the element's
    /// <c>zeebe:properties</c> by name, e.g. <c>inbound.method</c>, each value as text).</summary>
    /// <param name="properties">The activation's properties, as text: numbers and flags as their text, structured values as
    /// JSON or FEEL (<c>={"page": 1}</c>), exactly as the host reads them from BPMN or configuration.</param>
    /// <param name="configuration">The plugin's <c>Plugins:&lt;Name&gt;</c> section, handed to the connector as the host hands it.</param>
    /// <param name="pluginDirectory">The plugin's folder as the connector sees it; the test assembly's folder if left out.</param>
    /// <param name="activationId">The activation's id, as the connector sees it and the host names it in its messages.</param>
    /// <param name="secrets">Values the host would know to be secret besides the properties marked <c>[Secret]</c> (what an
    /// element's <c>{{secrets.NAME}}</c> became): masked in <see cref="Problem"/> and <see cref="Logs"/>.</param>
    /// <exception cref="ArgumentException">The host would refuse to load the connector; the message says why.</exception>
    /// <exception cref="TimeoutException">Binding the properties (the properties class's own code) did not finish within <see cref="DefaultTimeout"/>.</exception>
    public static InboundHarness For<TConnector>(IReadOnlyDictionary<string, string> properties, IReadOnlyDictionary<string, string?>? configuration = null,
        string? pluginDirectory = null, string activationId = "test", IReadOnlyCollection<string>? secrets = null) where TConnector : class
    {
        ArgumentNullException.ThrowIfNull(properties);
        return new(typeof(TConnector), properties, configuration, pluginDirectory, activationId, secrets ?? []);
    }

    /// <summary>The activation's id.</summary>
    public string ActivationId { get; }

    /// <summary>Why the host would not run this activation (its properties fail binding or validation), in the host's own
    /// words (<c>activation 'test' is misconfigured: inbound.url is required</c>), secrets masked; null when they bind.</summary>
    public string? Problem { get; }

    /// <summary>How long a webhook request's check or a poll may take, as the host's <c>Switchboard:Catalog:DefaultTimeout</c>.</summary>
    public TimeSpan Timeout { get; set; } = DefaultTimeout;

    /// <summary>Everything the connector logged so far, as <c>Level: message</c>, the activation's secrets masked as the host masks them.</summary>
    public IReadOnlyList<string> Logs => _logs.ToArray();

    /// <summary>Hands one request to a webhook connector (<c>IWebhookConnector&lt;T&gt;</c>) and returns its decision.</summary>
    /// <remarks>The request is made as the host makes the one it receives: header names in lower case (found in any
    /// case) and <see cref="WebhookRequest.Mapped"/> filled from its body, headers and query, unless the test set
    /// <see cref="WebhookRequest.Mapped"/> itself.</remarks>
    /// <exception cref="InvalidOperationException">The connector is no webhook connector, the activation is misconfigured
    /// (<see cref="Problem"/>), or it gave a result the host cannot send and answers 500 for (none, a status out of range,
    /// or a direct answer's body that cannot be written as JSON, such as one whose getter throws); the message says which,
    /// in the host's words.</exception>
    /// <exception cref="TimeoutException">The check did not finish within <see cref="Timeout"/>.</exception>
    public Task<WebhookResult> HandleAsync(WebhookRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        request = WebhookRequests.Complete(request);
        return CallAsync(InboundKind.Webhook, "the webhook check", cancellationToken, async (instance, binding, context) =>
        {
            var result = await ((Task<WebhookResult>?)_connector.Invoke(instance, binding.Properties, request, context)
                ?? throw new InvalidOperationException("the connector returned no task (null)"));
            try
            {
                // Checked and its body written as the host does before it answers: what the host cannot send fails here too.
                WebhookAnswer.Of(result, _writer, binding.Masker);
            }
            catch (UnsendableWebhookResultException e)
            {
                throw new InvalidOperationException("the host would answer 500: the connector failed: " + e.Message, e);
            }
            return result!;
        });
    }

    /// <summary>Polls once (<c>IPollingConnector&lt;T&gt;</c>) from <paramref name="cursor"/> and returns what it found,
    /// its events written as JSON exactly as the host writes them for correlation (what FEEL sees).</summary>
    /// <exception cref="InvalidOperationException">The connector is no polling connector, the activation is misconfigured
    /// (<see cref="Problem"/>), or it gave no result or no list of events.</exception>
    /// <exception cref="TimeoutException">The poll did not finish within <see cref="Timeout"/>.</exception>
    public Task<InboundPoll> PollAsync(string? cursor = null, CancellationToken cancellationToken = default) =>
        CallAsync(InboundKind.Polling, "the poll", cancellationToken, async (instance, binding, context) =>
        {
            var result = await ((Task<PollResult>?)_connector.Invoke(instance, binding.Properties, cursor, context) ?? throw new InvalidOperationException("the connector returned no task (null)"))
                ?? throw new InvalidOperationException("the connector gave no PollResult (null)");
            if (result.Events is not { } events)
                throw new InvalidOperationException("the connector's PollResult has no list of events (null)");
            return new InboundPoll(events.Select(_writer.Write).ToList(), result.Cursor, result.NextPollAfter);
        });

    /// <summary>Starts a subscription connector (<c>ISubscriptionConnector&lt;T&gt;</c>); each event it publishes is
    /// kept, written as JSON as the host writes it, and answered with <paramref name="outcome"/>'s outcome (correlated when
    /// left out). Stop it with <see cref="InboundSubscription.StopAsync"/>.</summary>
    /// <exception cref="InvalidOperationException">The connector is no subscription connector, or the activation is misconfigured (<see cref="Problem"/>).</exception>
    public InboundSubscription Subscribe(Func<JsonNode?, EventOutcome>? outcome = null)
    {
        Expect(InboundKind.Subscription);
        return InboundSubscription.Start(this, outcome ?? (_ => new EventOutcome(EventStatus.Correlated, "correlated (the test's default outcome)")));
    }

    internal InboundDefinition Connector => _connector;

    internal OutputWriter Writer => _writer;

    internal IPluginContext Plugin => _plugin;

    /// <summary>Binds the activation, makes an instance and disposes it after <paramref name="run"/>, as the host runs each
    /// inbound call; its callers start it off the test's thread.</summary>
    internal async Task RunAsync(Func<object, ActivationBinding, Task> run)
    {
        var binding = ActivationBinding.Bind(ActivationId, _properties, _secrets, _connector);
        if (binding.Problem is not null)
            throw new InvalidOperationException(binding.Problem);
        var instance = _connector.Create();
        try
        {
            await run(instance, binding).ConfigureAwait(false);
        }
        finally
        {
            await DisposeAsync(instance).ConfigureAwait(false);
        }
    }

    private async Task<T> CallAsync<T>(InboundKind kind, string what, CancellationToken cancellationToken, Func<object, ActivationBinding, IInboundContext, Task<T>> call)
    {
        Expect(kind);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        T result = default!;
        var run = Task.Run(() => RunAsync(async (instance, binding) =>
        {
            var context = new InboundContext(ActivationId, Logger(binding), timeout.Token, _plugin);
            result = await call(instance, binding, context).ConfigureAwait(false);
        }), CancellationToken.None);
        try
        {
            await run.WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException(string.Create(CultureInfo.InvariantCulture, $"{what} did not finish within {Timeout.TotalSeconds:0.###} s"));
        }
        return result;
    }

    internal Microsoft.Extensions.Logging.ILogger Logger(ActivationBinding binding) => new MaskingLogger(new CapturedLogger(_logs), binding.Masker);

    private void Expect(InboundKind kind)
    {
        if (_connector.Metadata.Kind != kind)
            throw new InvalidOperationException($"{_connector.Metadata.Type} is a {_connector.Metadata.Kind.ToString().ToLowerInvariant()} connector, not a {kind.ToString().ToLowerInvariant()} connector");
        if (Problem is not null)
            throw new InvalidOperationException(Problem + "; the host never calls the connector with these properties");
    }

    private async Task DisposeAsync(object instance)
    {
        try
        {
            await ConnectorInstances.DisposeAsync(instance).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // As the host: logged, and no call's result changes.
            _logs.Enqueue($"Warning: disposing {_connector.Metadata.Type} failed: {e.GetType().Name}: {e.Message}; the host logs this and goes on");
        }
    }
}
