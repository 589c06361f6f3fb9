using System.Text.Json.Nodes;
using Switchboard.Abstractions.Inbound;
using Switchboard.Core.Binding;
using Switchboard.Core.Invoking;

namespace Switchboard.Core.Inbound;

/// <summary>What a webhook connector decided about one request, as the host sends it: a refusal's message and a direct
/// answer's body written as JSON, both with the activation's secrets masked. With no <see cref="Decision"/> the connector
/// could not decide: <see cref="StatusCode"/> and <see cref="Message"/> say why (500 it failed, 504 it ran out of time).</summary>
internal sealed record WebhookAnswer(WebhookDecision? Decision, int StatusCode, JsonNode? Body, string? Message)
{
    /// <summary>The connector could not decide, for <paramref name="message"/>.</summary>
    public static WebhookAnswer Problem(int status, string message) => new(null, status, null, message);

    /// <summary>The connector's result as the host can send it, for the host and the author kit alike; throws
    /// <see cref="UnsendableWebhookResultException"/> naming what cannot be sent (a null result, a status out of range, as a
    /// plugin built before the range checks could give, or a body that cannot be written as JSON). A secret property the
    /// connector quotes is masked, as in every answer the host sends.</summary>
    /// <remarks>In the core since the kit handed a test the connector's result unchecked: a body whose getter throws passed
    /// there and was answered 500 by the host.</remarks>
    public static WebhookAnswer Of(WebhookResult? result, OutputWriter writer, SecretMasker masker)
    {
        if (result is null)
            throw new UnsendableWebhookResultException("it gave no WebhookResult (null)");
        var (low, high) = result.Decision == WebhookDecision.Reject ? (400, 499) : (200, 599);
        if (result.Decision != WebhookDecision.Accept && (result.StatusCode < low || result.StatusCode > high))
            throw new UnsendableWebhookResultException($"it answered with the status {result.StatusCode}, which is not an HTTP status it may answer with ({low} to {high})");
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
            throw new UnsendableWebhookResultException($"the body of its answer cannot be written: {cause.GetType().Name}: {cause.Message}", e);
        }
    }
}

/// <summary>A result a webhook connector gave that the host cannot send; its message says why, in the words the host's
/// 500 answer quotes after <c>the connector failed: </c>.</summary>
internal sealed class UnsendableWebhookResultException(string message, Exception? inner = null) : Exception(message, inner);
