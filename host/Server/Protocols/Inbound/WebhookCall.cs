using Switchboard.Abstractions.Inbound;
using Switchboard.Core.Binding;
using Switchboard.Core.Describing;
using Switchboard.Core.Inbound;
using Switchboard.Core.Outcomes;
using Switchboard.Core.Invoking;
using Switchboard.Host.Catalog;

namespace Switchboard.Host.Protocols.Inbound;

/// <summary>A webhook connector's check of one request, run where its plugin is loaded: in the host, or in the plugin's
/// worker process under process isolation, which answers the host's <c>webhook</c> with it. Both run this code, so a
/// request is refused, fails and times out in the same words either way.</summary>
internal static class WebhookCall
{
    /// <summary>Binds the activation's properties and runs the connector's check inside its plugin's load context.</summary>
    /// <remarks>Binding, the constructor, the check and <c>Dispose</c> start off the caller's thread (see
    /// <see cref="InboundConnectorCall.Start{T}"/>), so any of them that blocks is answered 504 when
    /// <paramref name="timeout"/> is cancelled, like a check that never returns. Everything of the connector's (its
    /// result, the body of a direct answer, written with its getters) is checked here, so what fails in it is the
    /// connector's failure. The result comes at the answer or the timeout; <see cref="InboundConnectorCall.Run{T}.Ended"/>
    /// once the connector's code has ended, its <c>Dispose</c> included.</remarks>
    public static InboundConnectorCall.Run<WebhookAnswer> Start(PluginGeneration generation, InboundDefinition definition, Activation activation,
        WebhookRequest request, TimeSpan limit, CancellationToken timeout, CancellationToken aborted, ILogger logger, ILoggerFactory loggers)
    {
        var run = InboundConnectorCall.Start(generation, definition, activation, logger,
            binding => WebhookAnswer.Problem(500, binding.Problem!),
            async (instance, binding) =>
            {
                try
                {
                    var context = new InboundContext(activation.Id, InboundConnectorCall.PluginLogger(loggers, generation, binding), timeout,
                        generation.PluginContext);
                    var result = await ((Task<WebhookResult>?)definition.Invoke(instance, binding.Properties, request, context)
                        ?? throw new UnsendableWebhookResultException("it returned no task (null)"));
                    return WebhookAnswer.Of(result, generation.Writer, binding.Masker);
                }
                catch (OperationCanceledException) when (timeout.IsCancellationRequested && !aborted.IsCancellationRequested)
                {
                    return TimedOut(limit);
                }
                catch (Exception e)
                {
                    return Failed(logger, activation, e, binding.Masker);
                }
            },
            (e, binding) => Failed(logger, activation, e, binding.Masker));
        return new(WaitAsync(run.Result, logger, activation, limit, timeout, aborted), run.Ended);
    }

    /// <summary>The check that did not end within <paramref name="limit"/>.</summary>
    public static WebhookAnswer TimedOut(TimeSpan limit) => WebhookAnswer.Problem(504, $"the connector did not answer within {SecondsText.Of(limit)}");

    private static async Task<WebhookAnswer> WaitAsync(Task<WebhookAnswer> result, ILogger logger, Activation activation, TimeSpan limit,
        CancellationToken timeout, CancellationToken aborted)
    {
        try
        {
            return await result.WaitAsync(timeout);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !aborted.IsCancellationRequested)
        {
            return TimedOut(limit);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Binding itself failed: no secret is known yet to mask.
            return Failed(logger, activation, e, new SecretMasker([]));
        }
    }

    private static WebhookAnswer Failed(ILogger logger, Activation activation, Exception e, SecretMasker masker)
    {
        logger.LogError(e, "Inbound activation {Activation} ({Connector}) failed in the connector via {Protocol}", activation.Id, activation.ConnectorType, "Webhook");
        var why = e is UnsendableWebhookResultException ? e.Message : $"{e.GetType().Name}: {e.Message}";
        return WebhookAnswer.Problem(500, masker.Apply("the connector failed: " + why));
    }
}
