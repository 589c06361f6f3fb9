using System.Text.Json.Nodes;
using Switchboard.Abstractions.Inbound;
using Switchboard.Core.Inbound;
using Switchboard.Host.Protocols.Inbound;

namespace Switchboard.Host.Isolation;

/// <summary>The host's side of an inbound connector whose plugin runs in a worker process: a poll, a webhook check or a
/// subscription's run is sent to the worker, which runs it with the same code as the host (<see cref="PollCall"/>,
/// <see cref="WebhookCall"/>, <see cref="SubscriptionCall"/>) and answers once the connector's code has ended.</summary>
/// <remarks>Each run is held to the same limit as in the host: the answer is awaited until then, the worker is then told to
/// cancel, and one that stays silent past <see cref="WorkerProcess.HungGrace"/> after that is killed as hung (and its
/// plugin restarted), which frees what the connector's code held. A run's <c>Ended</c> completes when the worker
/// answered, or ended: the host then holds the generation and the connector's slot exactly as long as its code runs.
/// A worker that ends during a run answers it with why, as a call is answered <c>PluginCrashed</c>.</remarks>
internal static class WorkerInbound
{
    public static InboundConnectorCall.Run<PollAnswer> Poll(WorkerProcess worker, string plugin, Activation activation, string? cursor, TimeSpan limit,
        CancellationToken stop)
    {
        var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
        timeout.CancelAfter(limit);
        var answer = worker.Begin("poll", (activation, cursor, limit), static (json, poll) =>
        {
            InboundMessages.WriteActivation(json, poll.activation);
            json.WriteString("cursor", poll.cursor);
            json.WriteNumber("timeoutMs", (long)poll.limit.TotalMilliseconds);
        }, timeout.Token);
        return new(PolledAsync(worker, plugin, answer, timeout, limit, stop), answer);
    }

    private static async Task<PollAnswer> PolledAsync(WorkerProcess worker, string plugin, Task<JsonObject?> answer, CancellationTokenSource timeout,
        TimeSpan limit, CancellationToken stop)
    {
        using (timeout)
        {
            JsonObject? message;
            try
            {
                message = await answer.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !stop.IsCancellationRequested)
            {
                return PollCall.TimedOut(limit);
            }
            catch (FrameTooLargeException e)
            {
                return PollAnswer.Failed($"the poll failed: its activation is {e.Bytes} bytes; a plugin in a worker process (Isolation=process) takes at most {FrameTooLargeException.Limit}");
            }
            if (message is not null)
            {
                try
                {
                    return InboundMessages.ReadPolled(message);
                }
                catch (InvalidDataException e)
                {
                    worker.Broken("it answered a poll in a form the host could not read: " + e.Message);
                }
            }
            return PollAnswer.Failed("the poll failed: " + await EndedAsync(worker, plugin));
        }
    }

    public static InboundConnectorCall.Run<WebhookAnswer> Handle(WorkerProcess worker, string plugin, Activation activation, WebhookRequest request,
        TimeSpan limit, CancellationToken timeout, CancellationToken aborted)
    {
        var answer = worker.Begin("webhook", (activation, request, limit), static (json, call) =>
        {
            InboundMessages.WriteActivation(json, call.activation);
            InboundMessages.WriteRequest(json, call.request);
            json.WriteNumber("timeoutMs", (long)call.limit.TotalMilliseconds);
        }, timeout);
        return new(HandledAsync(worker, plugin, answer, limit, timeout, aborted), answer);
    }

    private static async Task<WebhookAnswer> HandledAsync(WorkerProcess worker, string plugin, Task<JsonObject?> answer, TimeSpan limit,
        CancellationToken timeout, CancellationToken aborted)
    {
        JsonObject? message;
        try
        {
            message = await answer.WaitAsync(timeout);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !aborted.IsCancellationRequested)
        {
            return WebhookCall.TimedOut(limit);
        }
        catch (FrameTooLargeException e)
        {
            return WebhookAnswer.Problem(413, $"the request is {e.Bytes} bytes; a plugin in a worker process (Isolation=process) takes at most {FrameTooLargeException.Limit}");
        }
        if (message is not null)
        {
            try
            {
                return InboundMessages.ReadHandled(message);
            }
            catch (InvalidDataException e)
            {
                worker.Broken("it answered a webhook request in a form the host could not read: " + e.Message);
            }
        }
        // As a call whose worker ended is PluginCrashed, retryable: the sender may try again once the plugin is back.
        return WebhookAnswer.Problem(503, await EndedAsync(worker, plugin));
    }

    public static InboundConnectorCall.Run<SubscriptionEnd> Subscribe(WorkerProcess worker, string plugin, Activation activation, IWorkerSubscriber subscriber,
        CancellationToken stop)
    {
        var answer = worker.Begin("subscribe", activation, static (json, activation) => InboundMessages.WriteActivation(json, activation), stop, subscriber);
        return new(EndedRunAsync(worker, plugin, answer, stop), answer);
    }

    private static async Task<SubscriptionEnd> EndedRunAsync(WorkerProcess worker, string plugin, Task<JsonObject?> answer, CancellationToken stop)
    {
        // Not cut short by the stop: the worker cancels the connector's token and answers once its run has ended (or is
        // killed as hung), and the next run must not start before.
        JsonObject? message;
        try
        {
            message = await answer;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return new SubscriptionEnd(null);
        }
        catch (FrameTooLargeException e)
        {
            return new SubscriptionEnd($"the subscription failed: its activation is {e.Bytes} bytes; a plugin in a worker process (Isolation=process) takes at most {FrameTooLargeException.Limit}");
        }
        if (message is not null)
        {
            try
            {
                return InboundMessages.ReadEnded(message);
            }
            catch (InvalidDataException e)
            {
                worker.Broken("it answered a subscription's end in a form the host could not read: " + e.Message);
            }
        }
        return stop.IsCancellationRequested ? new SubscriptionEnd(null) : new SubscriptionEnd("the subscription failed: " + await EndedAsync(worker, plugin));
    }

    // Why there is no answer: the worker ended (or was ended for a broken message), in the words a call gets.
    private static async Task<string> EndedAsync(WorkerProcess worker, string plugin) =>
        OutcomeJson.Crashed(plugin, await worker.Exited).Error!.Message;
}
