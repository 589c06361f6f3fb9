using System.Globalization;
using Switchboard.Abstractions.Inbound;
using Switchboard.Host.Catalog;

namespace Switchboard.Host.Protocols.Inbound;

/// <summary>Runs a polling connector for one activation: poll, correlate each event in order, keep the cursor once all
/// are settled, wait, again. A failed poll or an event that could not be correlated leaves the cursor where it was, so
/// the next poll hands the same events again; the activation is down until a poll goes through.</summary>
internal sealed class PollingLoop(Activation activation, InboundLease lease, ActivationServices services)
    : ActivationLoop(activation, lease, services)
{
    protected override async Task RunAsync(CancellationToken stop)
    {
        var cursor = await Services.Cursors.LoadAsync(Activation.Id, stop);
        _unsettled = await Services.Cursors.LoadUnsettledAsync(Activation.Id, stop);
        while (!stop.IsCancellationRequested)
        {
            var (result, problem) = await PollAsync(cursor, stop);
            if (result is not null)
                (cursor, problem) = await SettleAsync(result, cursor, stop);
            if (problem is null)
                Health.Up();
            else
                Health.Down(problem);
            await Task.Delay(result?.NextPollAfter ?? Services.Options.Value.DefaultPollInterval, Services.Time, stop);
        }
    }

    private Task<(PollResult? Result, string? Problem)> PollAsync(string? cursor, CancellationToken stop) =>
        WithConnectorAsync<(PollResult?, string?)>(async (instance, binding) =>
        {
            var timeoutSeconds = Services.CatalogOptions.DefaultTimeout;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
            timeout.CancelAfter(timeoutSeconds);
            try
            {
                var context = new InboundContext(Activation.Id, PluginLogger(binding), timeout.Token, Generation.PluginContext);
                var polled = (Task<PollResult>)Invoke(instance, binding.Properties, cursor, context);
                return (await polled.WaitAsync(timeout.Token), null);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !stop.IsCancellationRequested)
            {
                return (null, $"the poll did not finish within {timeoutSeconds.TotalSeconds:0.###} s");
            }
            catch (Exception e) when (!stop.IsCancellationRequested)
            {
                return (null, PollFailed(e, binding));
            }
        }, binding => (null, binding.Problem), (e, binding) => (null, PollFailed(e, binding)));

    private string PollFailed(Exception e, ActivationBinding binding)
    {
        Logger.LogWarning(e, "Inbound activation {Activation} ({Connector}) via {Protocol}: the poll failed",
            Activation.Id, Activation.ConnectorType, "Polling");
        return "the poll failed: " + Describe(e, binding);
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
    private async Task<(string? Cursor, string? Problem)> SettleAsync(PollResult result, string? cursor, CancellationToken stop)
    {
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
                correlation = await CorrelateAsync(result.Events[i], EventId(cursor, result.Cursor, i), delivery.Token);
            }
            catch (OperationCanceledException) when (delivery.IsCancellationRequested)
            {
                return (cursor, $"event {i + 1} of {result.Events.Count} was not delivered within {Services.CatalogOptions.DefaultTimeout.TotalSeconds:0.###} s");
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return (cursor, $"event {i + 1} of {result.Events.Count} could not be read: {e.Message}");
            }
            if (!correlation.ToOutcome().IsSettled)
            {
                await KeepUnsettledAsync(i + 1);
                return (cursor, $"event {i + 1} of {result.Events.Count} could not be correlated: {correlation.Message}");
            }
        }
        _unsettled = null;
        if (result.Cursor is { } next && next != cursor)
        {
            await Services.Cursors.SaveAsync(Activation.Id, next, CancellationToken.None);
            Services.Cursors.ForgetUnsettled(Activation.Id);
            return (next, null);
        }
        return (cursor, null);
    }

    // On disk only when an event of the move may have reached Zeebe (attempted counts the events tried).
    private async Task KeepUnsettledAsync(int attempted)
    {
        if (attempted > 0 && _unsettled is { } unsettled)
            await Services.Cursors.SaveUnsettledAsync(Activation.Id, unsettled, CancellationToken.None);
    }
}
