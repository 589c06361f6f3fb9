using System.Text.Json.Nodes;
using Switchboard.Abstractions.Inbound;
using Switchboard.Core.Describing;
using Switchboard.Core.Inbound;
using Switchboard.Core.Outcomes;
using Switchboard.Host.Catalog;
using Switchboard.Host.Invocation;

namespace Switchboard.Host.Protocols.Inbound;

/// <summary>What one poll handed back: its events written as JSON, the cursor to keep and the wait it asked for; or, with
/// no events, why not (<see cref="Problem"/>; <see cref="Misconfigured"/> when the activation's properties do not bind).</summary>
internal sealed record PollAnswer(IReadOnlyList<JsonNode?> Events, string? Cursor, TimeSpan? NextPollAfter, string? Problem = null, bool Misconfigured = false)
{
    /// <summary>A poll that handed nothing back, for <paramref name="problem"/>.</summary>
    public static PollAnswer Failed(string problem, bool misconfigured = false) => new([], null, null, problem, misconfigured);
}

/// <summary>One poll of a polling connector, run where its plugin is loaded: in the host, or in the plugin's worker process
/// under process isolation, which answers the host's <c>poll</c> with it. Both run this code, so a poll fails, times out
/// and is logged in the same words either way.</summary>
internal static class PollCall
{
    /// <summary>Starts one poll held to <paramref name="limit"/> as a whole: binding, the connector's constructor, its poll,
    /// writing its events (their getters are the plugin's code too) and its <c>Dispose</c> all run off the caller's thread.
    /// The result comes when the poll ends or at the limit, whichever is first; <see cref="InboundConnectorCall.Run{T}.Ended"/>
    /// when the plugin's code has ended.</summary>
    public static InboundConnectorCall.Run<PollAnswer> Start(PluginGeneration generation, InboundDefinition definition, Activation activation,
        string? cursor, TimeSpan limit, ILogger logger, ILoggerFactory loggers, CancellationToken stop)
    {
        var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var deadline = CallCancellation.Deadline(timeout, limit); // survives the plugin's callbacks
        var run = InboundConnectorCall.Start(generation, definition, activation, logger,
            binding => PollAnswer.Failed(binding.Problem!, misconfigured: true),
            async (instance, binding) =>
            {
                try
                {
                    var context = new InboundContext(activation.Id, InboundConnectorCall.PluginLogger(loggers, generation, binding), timeout.Token,
                        generation.PluginContext);
                    if (await ((Task<PollResult>?)definition.Invoke(instance, binding.Properties, cursor, context)
                            ?? throw new InvalidOperationException("the connector returned no task (null)")) is not { } result)
                        return Failed(logger, activation, null, "the connector gave no PollResult (null)");
                    if (result.Events is not { } events)
                        return Failed(logger, activation, null, "the connector's PollResult has no list of events (null)");
                    return new PollAnswer(events.Select(generation.Writer.Write).ToList(), result.Cursor, result.NextPollAfter);
                }
                catch (OperationCanceledException) when (timeout.IsCancellationRequested)
                {
                    return TimedOut(limit);
                }
                catch (Exception e) when (!stop.IsCancellationRequested)
                {
                    return Failed(logger, activation, e, InboundConnectorCall.Describe(e, binding));
                }
            },
            (e, binding) => Failed(logger, activation, e, InboundConnectorCall.Describe(e, binding)));
        return new(WaitAsync(run.Result, timeout, deadline, limit, stop), run.Ended);
    }

    /// <summary>The poll that did not end within <paramref name="limit"/>.</summary>
    public static PollAnswer TimedOut(TimeSpan limit) => PollAnswer.Failed($"the poll did not finish within {SecondsText.Of(limit)}");

    private static async Task<PollAnswer> WaitAsync(Task<PollAnswer> result, CancellationTokenSource timeout, ITimer deadline, TimeSpan limit,
        CancellationToken stop)
    {
        using (timeout)
        using (deadline)
        {
            try
            {
                return await result.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !stop.IsCancellationRequested)
            {
                return TimedOut(limit);
            }
        }
    }

    private static PollAnswer Failed(ILogger logger, Activation activation, Exception? e, string why)
    {
        logger.LogWarning(e, "Inbound activation {Activation} ({Connector}) via {Protocol}: the poll failed: {Reason}",
            activation.Id, activation.ConnectorType, "Polling", why);
        return PollAnswer.Failed("the poll failed: " + why);
    }
}
