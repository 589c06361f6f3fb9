using Switchboard.Core.Inbound;
using Switchboard.Core.Outcomes;
using System.Globalization;
using System.Text.Json.Nodes;
using Switchboard.Abstractions.Inbound;
using Switchboard.Host.Catalog;
using Switchboard.Host.Invocation;

namespace Switchboard.Host.Protocols.Inbound;

/// <summary>Runs a polling connector for one activation: poll, correlate each event in order, keep the cursor once all
/// are settled, wait, again. A failed poll or an event that could not be delivered leaves the cursor where it was, so
/// the next poll hands the same events again; the activation is down until a poll goes through. An event that can
/// never be correlated (400, 422: an expression fails on it, it gives no key) is skipped instead, the activation down
/// until a poll has none.</summary>
internal sealed class PollingLoop(Activation activation, InboundLease lease, ActivationServices services)
    : ActivationLoop(activation, lease, services)
{
    // The plugin code of the last poll, until it ends: one that outlives its timeout is waited for before the next
    // poll, so an activation never has two polls running (nor two threads held by a poller that blocks).
    private Task _lastPoll = Task.CompletedTask;

    protected override async Task RunAsync(CancellationToken stop)
    {
        try
        {
            var cursor = await LoadCursorAsync(stop);
            while (!stop.IsCancellationRequested)
            {
                await _lastPoll.WaitAsync(stop).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                stop.ThrowIfCancellationRequested();
                PollAnswer? result = null;
                string? problem;
                try
                {
                    (result, problem) = await PollAsync(cursor, stop);
                    if (result is not null)
                        (cursor, problem) = await SettleAsync(result, cursor, stop);
                }
                catch (Exception e) when (!stop.IsCancellationRequested)
                {
                    // Ours, not the connector's: said with its stack, and the activation polls on after its wait.
                    Logger.LogError(e, "Inbound activation {Activation} ({Connector}) via {Protocol}: a poll failed inside the adapter",
                        Activation.Id, Activation.ConnectorType, "Polling");
                    problem = "the poll failed inside the adapter: " + e.GetType().Name;
                }
                if (problem is null)
                    Health.Up();
                else
                    Health.Down(problem);
                await Task.Delay(PollWait.Of(result?.NextPollAfter, Services.Options.Value.DefaultPollInterval), Services.Time, stop);
            }
        }
        finally
        {
            // Stopped only once the plugin's code has: a poll that will not end is for the deactivation to report and abandon.
            await _lastPoll.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>The saved cursor (and unsettled move); while they cannot be read, down with the reason and tried again
    /// after the poll interval.</summary>
    private async Task<string?> LoadCursorAsync(CancellationToken stop)
    {
        while (true)
        {
            try
            {
                var cursor = await Services.Cursors.LoadAsync(Activation.Id, stop);
                _unsettled = await Services.Cursors.LoadUnsettledAsync(Activation.Id, stop);
                return cursor;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Logger.LogWarning(e, "Inbound activation {Activation} ({Connector}) via {Protocol}: the cursor could not be read",
                    Activation.Id, Activation.ConnectorType, "Polling");
                Health.Down("the cursor could not be read: " + e.Message);
            }
            await Task.Delay(PollWait.Of(null, Services.Options.Value.DefaultPollInterval), Services.Time, stop);
        }
    }

    /// <summary>One poll, held to the call timeout as a whole (<see cref="PollCall"/>), run in the host or, under process
    /// isolation, in the plugin's worker process.</summary>
    private async Task<(PollAnswer? Result, string? Problem)> PollAsync(string? cursor, CancellationToken stop)
    {
        var limit = Services.CatalogOptions.DefaultTimeout;
        var run = Generation.Worker is { } worker
            ? Isolation.WorkerInbound.Poll(worker, Generation.PluginName, Activation, cursor, limit, stop)
            : PollCall.Start(Generation, Definition!, Activation, cursor, limit, Logger, Services.Loggers, stop);
        _lastPoll = run.Ended;
        var answer = await run.Result;
        if (answer.Misconfigured)
            return (null, Misconfigured(answer.Problem!));
        return answer.Problem is { } problem ? (null, problem) : (answer, null);
    }

    // Kept while the same move is polled again, on disk too once a poll ends unsettled (a failure, or a stop between
    // events), so a restart or a reload polling the same move uses the same ids; dropped once the cursor is saved.
    private UnsettledMove? _unsettled;

    /// <summary>The message id of a polled event when the activation declares none. A poll that moves the cursor and
    /// is polled again from the same cursor to the same new one (its events could not all be delivered) publishes its
    /// events under the same ids as the first time: when a publish reached Zeebe but its answer did not reach us (the
    /// gateway went down as it answered), Zeebe refuses the repeat as already published instead of correlating the
    /// event twice, even if the source gives other values for it the second time. Any other poll gets new ids, so a
    /// cursor that later makes the same move again is not taken for a repeat.</summary>
    private string? EventId(string? from, string? to, int index)
    {
        if (to is null || to == from)
            return null;
        if (_unsettled is not { } unsettled || unsettled.From != from || unsettled.To != to)
            _unsettled = unsettled = new UnsettledMove(from, to, Guid.NewGuid().ToString("N"));
        return unsettled.Id + "-" + index.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Correlates the events in order; the new cursor once all are settled, else the old one and why.</summary>
    /// <remarks>A deactivation waits for the event being delivered and for the cursor to be saved (each bounded by the
    /// call timeout), and stops before the next event: what was published is never left out of the cursor by a stop,
    /// so a restart does not publish it again.</remarks>
    private async Task<(string? Cursor, string? Problem)> SettleAsync(PollAnswer result, string? cursor, CancellationToken stop)
    {
        var settled = new Dictionary<EventStatus, int>();
        try
        {
            return await SettleEachAsync(result, cursor, settled, stop);
        }
        finally
        {
            // One line for what a poll settled, however many events it had; an event that failed has its own.
            if (settled.Count > 0)
                Logger.LogInformation("Inbound activation {Activation} ({Connector}) via {Protocol}: of a poll's {Events} events, {Correlated} correlated, {AlreadyCorrelated} already correlated, {Unmatched} unmatched, {Skipped} skipped as impossible to correlate",
                    Activation.Id, Activation.ConnectorType, "Polling", result.Events.Count, settled.GetValueOrDefault(EventStatus.Correlated),
                    settled.GetValueOrDefault(EventStatus.AlreadyCorrelated), settled.GetValueOrDefault(EventStatus.Unmatched), settled.GetValueOrDefault(EventStatus.Failed));
        }
    }

    private async Task<(string? Cursor, string? Problem)> SettleEachAsync(PollAnswer result, string? cursor, Dictionary<EventStatus, int> settled,
        CancellationToken stop)
    {
        string? skipped = null;
        for (var i = 0; i < result.Events.Count; i++)
        {
            if (stop.IsCancellationRequested)
            {
                // Events before this one went out: the cursor cannot say so, the kept ids make their repeats harmless.
                await KeepUnsettledAsync(i);
                return (cursor, null);
            }
            Correlation correlation;
            using var delivery = new CancellationTokenSource(Services.CatalogOptions.DefaultTimeout);
            try
            {
                correlation = await CorrelateWrittenAsync(result.Events[i], EventId(cursor, result.Cursor, i), delivery.Token, logSettled: false);
            }
            catch (OperationCanceledException) when (delivery.IsCancellationRequested)
            {
                correlation = new Correlation("failed", 503, "the delivery was cancelled");
            }
            var outcome = correlation.ToOutcome();
            if (!outcome.IsSettled && delivery.IsCancellationRequested)
            {
                // The publish may have reached Zeebe: its id is kept for the repeat, as after any unsettled event.
                await KeepUnsettledAsync(i + 1);
                return (cursor, $"event {i + 1} of {result.Events.Count} was not delivered within {SecondsText.Of(Services.CatalogOptions.DefaultTimeout)}");
            }
            if (!outcome.IsSettled && correlation.HttpStatus is 400 or 422)
            {
                // The event itself cannot be correlated (an expression fails on it or gives no key, the gateway refuses
                // it as invalid): polled again it would fail the same way, and hold back every event after it for good.
                // It is skipped, said in its own log line, counted in the activity (refused) and in the activation's health.
                skipped ??= $"event {i + 1} of {result.Events.Count} could not be correlated and was skipped: {correlation.Message}";
                settled[EventStatus.Failed] = settled.GetValueOrDefault(EventStatus.Failed) + 1;
                continue;
            }
            if (!outcome.IsSettled)
            {
                await KeepUnsettledAsync(i + 1);
                return (cursor, $"event {i + 1} of {result.Events.Count} could not be correlated: {correlation.Message}");
            }
            settled[outcome.Status] = settled.GetValueOrDefault(outcome.Status) + 1;
        }
        if (result.Cursor is { } next && next != cursor)
        {
            try
            {
                await Services.Cursors.SaveAsync(Activation.Id, next, CancellationToken.None);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // As a poll that failed: the cursor stays, the same events come again, under the same ids (kept).
                Logger.LogWarning(e, "Inbound activation {Activation} ({Connector}) via {Protocol}: the cursor could not be saved",
                    Activation.Id, Activation.ConnectorType, "Polling");
                await KeepUnsettledAsync(result.Events.Count);
                return (cursor, "the cursor could not be saved: " + e.Message);
            }
            _unsettled = null;
            Forget();
            return (next, skipped);
        }
        // The cursor did not move: an unsettled move kept from an earlier poll is still the one a repeat will make, and
        // keeps its ids (as on disk) until the cursor moves on. Dropped here, a poll that handed nothing in between made
        // the repeat publish its events again under new ids.
        return (cursor, skipped);
    }

    // On disk only when an event of the move may have reached Zeebe (attempted counts the events tried). Kept in memory
    // whatever happens on disk: a failure to write it loses only the protection across a restart.
    private async Task KeepUnsettledAsync(int attempted)
    {
        if (attempted == 0 || _unsettled is not { } unsettled)
            return;
        try
        {
            await Services.Cursors.SaveUnsettledAsync(Activation.Id, unsettled, CancellationToken.None);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Logger.LogWarning(e, "Inbound activation {Activation} ({Connector}) via {Protocol}: the unsettled move could not be kept on disk",
                Activation.Id, Activation.ConnectorType, "Polling");
        }
    }

    // The cursor moved on: a record that outlives it would only give a later move's events old ids.
    private void Forget()
    {
        try
        {
            Services.Cursors.ForgetUnsettled(Activation.Id);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Logger.LogWarning(e, "Inbound activation {Activation} ({Connector}) via {Protocol}: the unsettled move could not be removed from disk",
                Activation.Id, Activation.ConnectorType, "Polling");
        }
    }
}
