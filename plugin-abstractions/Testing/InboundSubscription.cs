using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Switchboard.Abstractions.Inbound;
using Switchboard.Core.Inbound;

namespace Switchboard.Testing;

/// <summary>A subscription connector running in a test (<see cref="InboundHarness.Subscribe"/>): what it published, how
/// it reported itself, and how it ended.</summary>
public sealed class InboundSubscription
{
    private readonly object _lock = new();
    private readonly List<JsonNode?> _published = [];
    private readonly List<(int Count, TaskCompletionSource Reached)> _waiting = [];
    private readonly CancellationTokenSource _stop = new();
    private Task<string?> _run = null!;
    private InvalidOperationException? _ended;

    private InboundSubscription()
    {
    }

    internal static InboundSubscription Start(InboundHarness harness, Func<JsonNode?, EventOutcome> outcome)
    {
        var subscription = new InboundSubscription();
        subscription._run = Task.Run(async () =>
        {
            try
            {
                await harness.RunAsync(async (instance, binding) =>
                {
                    var context = new Context(subscription, harness, binding, outcome);
                    await ((Task?)harness.Connector.Invoke(instance, binding.Properties, context)
                        ?? throw new InvalidOperationException("the connector returned no task (null)")).ConfigureAwait(false);
                }).ConfigureAwait(false);
                return subscription._stop.IsCancellationRequested ? null : "the subscription ended by itself";
            }
            catch (OperationCanceledException) when (subscription._stop.IsCancellationRequested)
            {
                return null;
            }
        });
        // A run that ends before the events a test waits for were published ends the wait too, saying how it ended.
        subscription._run.ContinueWith(static (run, state) => ((InboundSubscription)state!).Ended(run), subscription,
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return subscription;
    }

    // Kept for the waits that begin after the end as well: one begun then waited for its timeout and threw
    // TimeoutException, though the run had long ended and could say how.
    private void Ended(Task<string?> run)
    {
        var how = run.IsFaulted ? $"it threw {run.Exception!.GetBaseException().GetType().Name}: {run.Exception.GetBaseException().Message}"
            : run.Result ?? "it was stopped";
        List<TaskCompletionSource> waiting;
        InvalidOperationException ended;
        lock (_lock)
        {
            waiting = _waiting.Select(w => w.Reached).ToList();
            _waiting.Clear();
            var count = _published.Count;
            _ended = ended = new InvalidOperationException($"the subscription ended after {count} event{(count == 1 ? "" : "s")}: {how}");
        }
        foreach (var wait in waiting)
            wait.TrySetException(ended);
    }

    /// <summary>The events published so far, in order, each written as JSON as the host writes it for correlation.</summary>
    public IReadOnlyList<JsonNode?> Published
    {
        get
        {
            lock (_lock)
                return _published.ToArray();
        }
    }

    /// <summary>Why the connector last reported itself down (<see cref="ISubscriptionContext.ReportDown"/>, secrets
    /// masked), or null while it is up.</summary>
    public string? Down { get; private set; }

    /// <summary>Completes once <paramref name="count"/> events in all have been published; throws
    /// <see cref="TimeoutException"/> after <paramref name="timeout"/> (30 s when left out), or
    /// <see cref="InvalidOperationException"/> saying how the run ended should it end before (at once when it has already
    /// ended).</summary>
    public Task WhenPublishedAsync(int count, TimeSpan? timeout = null)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            if (_published.Count >= count)
                return Task.CompletedTask;
            if (_ended is { } ended)
                return Task.FromException(ended);
            _waiting.Add((count, reached));
        }
        return reached.Task.WaitAsync(timeout ?? InboundHarness.DefaultTimeout);
    }

    /// <summary>Signals the connector's token, as the host does when the activation is deactivated, its plugin reloaded or
    /// the host stopped, and waits for its run to end: null when it ended because it was told to, else how it ended on its
    /// own ("the subscription ended by itself"); what it threw is thrown here.</summary>
    public async Task<string?> StopAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        return await _run.ConfigureAwait(false);
    }

    private void Add(JsonNode? written)
    {
        List<TaskCompletionSource> reached;
        lock (_lock)
        {
            _published.Add(written);
            reached = _waiting.Where(w => w.Count <= _published.Count).Select(w => w.Reached).ToList();
            _waiting.RemoveAll(w => w.Count <= _published.Count);
        }
        foreach (var done in reached)
            done.TrySetResult();
    }

    private sealed class Context(InboundSubscription subscription, InboundHarness harness, ActivationBinding binding, Func<JsonNode?, EventOutcome> outcome)
        : ISubscriptionContext
    {
        public string ActivationId => harness.ActivationId;
        public ILogger Logger { get; } = harness.Logger(binding);
        public CancellationToken CancellationToken => subscription._stop.Token;
        public IConfiguration Configuration => harness.Plugin.Configuration;
        public string PluginDirectory => harness.Plugin.PluginDirectory;
        public TFeature? Get<TFeature>() where TFeature : class => FeelExpressions.Feature<TFeature>();

        public Task<EventOutcome> PublishAsync(object? @event)
        {
            // Written as the host writes it before correlating: a getter that throws fails the publish, in the host too.
            var written = harness.Writer.Write(@event);
            subscription.Add(written);
            return Task.FromResult(outcome(written?.DeepClone()));
        }

        public void ReportUp() => subscription.Down = null;

        public void ReportDown(string reason) => subscription.Down = binding.Masker.Apply(reason ?? "no reason given");
    }
}
