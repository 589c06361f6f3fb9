using System.Text.Json.Nodes;
using Switchboard.Abstractions.Inbound;
using Switchboard.Core.Binding;
using Switchboard.Core.Describing;
using Switchboard.Core.Inbound;
using Switchboard.Core.Outcomes;
using Switchboard.Core.Invoking;
using Switchboard.Host.Catalog;

namespace Switchboard.Host.Protocols.Inbound;

/// <summary>What a webhook connector decided about one request, as the host sends it: a refusal's message and a direct
/// answer's body written as JSON, both with the activation's secrets masked. With no <see cref="Decision"/> the connector
/// could not decide: <see cref="StatusCode"/> and <see cref="Message"/> say why (500 it failed, 504 it ran out of time).</summary>
internal sealed record WebhookAnswer(WebhookDecision? Decision, int StatusCode, JsonNode? Body, string? Message)
{
    /// <summary>The connector could not decide, for <paramref name="message"/>.</summary>
    public static WebhookAnswer Problem(int status, string message) => new(null, status, null, message);
}

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
                        ?? throw new WebhookResultException("it returned no task (null)"));
                    return Check(result, generation.Writer, binding.Masker);
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

    /// <summary>The connector's result as the host can send it; throws <see cref="WebhookResultException"/> naming what
    /// cannot be (a null result, a status out of range, as a plugin built before the range checks could give, or a
    /// body that cannot be written as JSON). A secret property the connector quotes is masked there, as in every answer
    /// the host sends.</summary>
    private static WebhookAnswer Check(WebhookResult? result, OutputWriter writer, SecretMasker masker)
    {
        if (result is null)
            throw new WebhookResultException("it gave no WebhookResult (null)");
        var (low, high) = result.Decision == WebhookDecision.Reject ? (400, 499) : (200, 599);
        if (result.Decision != WebhookDecision.Accept && (result.StatusCode < low || result.StatusCode > high))
            throw new WebhookResultException($"it answered with the status {result.StatusCode}, which is not an HTTP status it may answer with ({low} to {high})");
        if (result.Decision != WebhookDecision.Respond)
            return new WebhookAnswer(result.Decision, result.StatusCode, null, result.Message is { } message ? masker.Apply(message) : null);
        try
        {
            return new WebhookAnswer(result.Decision, result.StatusCode, masker.Apply(writer.Write(result.Body)), null);
        }
        catch (Exception e)
        {
            // A getter that threw reaches us wrapped by reflection: its own exception is the one to name.
            var cause = e is System.Reflection.TargetInvocationException { InnerException: { } inner } ? inner : e;
            throw new WebhookResultException($"the body of its answer cannot be written: {cause.GetType().Name}: {cause.Message}", e);
        }
    }

    private static WebhookAnswer Failed(ILogger logger, Activation activation, Exception e, SecretMasker masker)
    {
        logger.LogError(e, "Inbound activation {Activation} ({Connector}) failed in the connector via {Protocol}", activation.Id, activation.ConnectorType, "Webhook");
        var why = e is WebhookResultException ? e.Message : $"{e.GetType().Name}: {e.Message}";
        return WebhookAnswer.Problem(500, masker.Apply("the connector failed: " + why));
    }

    /// <summary>A result the connector gave that the host cannot send.</summary>
    private sealed class WebhookResultException(string message, Exception? inner = null) : Exception(message, inner);
}
