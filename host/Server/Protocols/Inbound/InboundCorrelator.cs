using System.Text.Json.Nodes;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Switchboard.Abstractions.Inbound;
using Switchboard.Feel;
using Switchboard.Host.Protocols.Zeebe;
using Switchboard.Host.Protocols.Zeebe.Gateway;

namespace Switchboard.Host.Protocols.Inbound;

/// <summary>What correlating one event came to, with the HTTP status a webhook answers it with.</summary>
internal sealed record Correlation(string Status, int HttpStatus, string Message, long? Key = null)
{
    public bool Succeeded => HttpStatus is >= 200 and < 300;

    /// <summary>The outcome as a poller or a subscription sees it.</summary>
    public EventOutcome ToOutcome() => new(Status switch
    {
        "created" or "published" => EventStatus.Correlated,
        "already correlated" => EventStatus.AlreadyCorrelated,
        "consumed" or "unmatched" => EventStatus.Unmatched,
        _ => EventStatus.Failed,
    }, Message);
}

/// <summary>Correlates an inbound event as Camunda's connector runtime does: the activation condition, then a new
/// process instance (plain start event) or a published message (name, correlation key and message id from FEEL,
/// time to live), with the variables from <c>resultVariable</c> and <c>resultExpression</c>.</summary>
internal sealed class InboundCorrelator(IServiceProvider services)
{
    private readonly FeelEngine _feel = FeelEngine.Default;

    /// <summary>Correlates <paramref name="event"/>, which FEEL sees under <paramref name="eventName"/> (<c>request</c> for a webhook).</summary>
    public Task<Correlation> CorrelateAsync(Activation activation, string eventName, JsonObject @event, CancellationToken cancellationToken) =>
        CorrelateAsync(activation, new JsonObject { [eventName] = @event.DeepClone() }, @event, null, cancellationToken);

    /// <summary>Correlates an event from a poller or a subscription: FEEL sees an object event's fields at the top level
    /// (an event <c>{"response": ...}</c> as <c>response</c>), any other value as <c>event</c>.</summary>
    /// <param name="eventId">The message id to publish with when the activation has no <c>messageIdExpression</c>: one
    /// that is the same each time the same event is delivered again, so that Zeebe refuses the repeat of a publish whose
    /// answer was lost (ALREADY_EXISTS, reported as already correlated); null for a new random id.</param>
    public Task<Correlation> CorrelateAsync(Activation activation, JsonNode? @event, string? eventId, CancellationToken cancellationToken) =>
        CorrelateAsync(activation, @event is JsonObject fields ? (JsonObject)fields.DeepClone() : new JsonObject { ["event"] = @event?.DeepClone() },
            @event, eventId, cancellationToken);

    private async Task<Correlation> CorrelateAsync(Activation activation, JsonObject scope, JsonNode? @event, string? eventId,
        CancellationToken cancellationToken)
    {
        Correlation correlation;
        try
        {
            correlation = await CorrelateOrThrowAsync(activation, scope, @event, eventId, cancellationToken);
        }
        catch (ExpressionException e)
        {
            correlation = new Correlation("failed", 422, e.Message);
        }
        // What became of an event is logged and shown (its correlation key, the gateway's detail): never a secret the
        // activation was made with.
        return correlation with { Message = activation.Masked(correlation.Message) };
    }

    private async Task<Correlation> CorrelateOrThrowAsync(Activation activation, JsonObject scope, JsonNode? @event, string? eventId,
        CancellationToken cancellationToken)
    {
        if (activation.ActivationCondition is { } condition && !IsTrue(Evaluate("activationCondition", condition, scope).Value))
            return activation.ConsumeUnmatchedEvents
                ? new Correlation("consumed", 200, "the activation condition is not met; the event was consumed (consumeUnmatchedEvents)")
                : new Correlation("unmatched", 422, "the activation condition is not met");

        var variables = new JsonObject();
        if (activation.ResultVariable is { } resultVariable)
            variables[resultVariable] = @event?.DeepClone();
        if (activation.ResultExpression is { } resultExpression)
        {
            switch (Evaluate("resultExpression", resultExpression, scope).Value)
            {
                case JsonObject mapped:
                    foreach (var (key, value) in mapped)
                        variables[key] = value?.DeepClone();
                    break;
                case null:
                    break;
                default:
                    return new Correlation("failed", 422, "resultExpression must give a context (an object of variables)");
            }
        }

        if (services.GetService<ZeebeWorkers>()?.Client is not { } gateway)
            return new Correlation("failed", 503, "the Zeebe adapter is off: set ZEEBE_GRPC_ADDRESS or Switchboard:Zeebe:Address");
        // A gateway that takes the call and never answers must not hold a webhook's caller (or a subscription) for good:
        // each call has the deadline every job command has, and its passing is answered 503 as an unavailable gateway.
        var commandTimeout = services.GetRequiredService<IOptions<ZeebeOptions>>().Value.CommandTimeout;
        try
        {
            if (activation.BpmnProcessId is { } processId)
            {
                var created = await WithFreshTokenAsync(() => gateway.CreateProcessInstanceAsync(
                    new CreateProcessInstanceRequest { BpmnProcessId = processId, Version = -1, Variables = variables.ToJsonString() },
                    deadline: DateTime.UtcNow + commandTimeout, cancellationToken: cancellationToken).ResponseAsync);
                return new Correlation("created", 200, $"process instance {created.ProcessInstanceKey} of {processId} created", created.ProcessInstanceKey);
            }

            // A message start event needs no key; every other message element does.
            var correlationKey = "";
            if (activation.CorrelationKeyExpression is { } keyExpression)
            {
                if (Text(Evaluate("correlationKeyExpression", keyExpression, scope).Value) is not { } key)
                    return new Correlation("failed", 422, "correlationKeyExpression gave no value for this event");
                correlationKey = key;
            }
            var messageId = eventId ?? Guid.NewGuid().ToString();
            if (activation.MessageIdExpression is { } idExpression)
            {
                if (Text(Evaluate("messageIdExpression", idExpression, scope).Value) is not { } id)
                    return new Correlation("failed", 422, "messageIdExpression gave no value for this event");
                messageId = id;
            }
            var published = await WithFreshTokenAsync(() => gateway.PublishMessageAsync(new PublishMessageRequest
            {
                Name = activation.MessageName!,
                CorrelationKey = correlationKey,
                MessageId = messageId,
                TimeToLive = (long)activation.MessageTtl.TotalMilliseconds,
                Variables = variables.ToJsonString(),
            }, deadline: DateTime.UtcNow + commandTimeout, cancellationToken: cancellationToken).ResponseAsync);
            return new Correlation("published", 200, $"message {activation.MessageName} published with correlation key '{correlationKey}'", published.Key);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.AlreadyExists)
        {
            // The same message id inside its time to live: this event was correlated before. Not a failure, never retried.
            return new Correlation("already correlated", 409, "a message with this id was already correlated");
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
        {
            // The client's own cancellation (a delivery's deadline, a webhook's caller gone, the host stopping), not an
            // answer of the gateway's: whoever cancelled says why. Whether Zeebe took the event is unknown.
            return new Correlation("failed", 503, "the delivery was cancelled before the gateway answered");
        }
        catch (RpcException e)
        {
            var status = e.StatusCode switch
            {
                StatusCode.InvalidArgument => 400,
                StatusCode.NotFound => 404,
                StatusCode.ResourceExhausted => 429,
                StatusCode.Unavailable or StatusCode.DeadlineExceeded => 503,
                _ => 500,
            };
            return new Correlation("failed", status, $"the gateway answered {GatewayErrorText.Of(e)}");
        }
    }

    // After UNAUTHENTICATED the OAuth token is fetched afresh and the call made once more, as job commands do: else
    // every event after the identity provider rotated its keys failed until a worker's call happened to refresh it.
    private async Task<T> WithFreshTokenAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Unauthenticated && services.GetService<ZeebeWorkers>()?.Tokens is { } tokens)
        {
            tokens.Invalidate();
            return await call();
        }
    }

    private FeelResult Evaluate(string property, string expression, JsonObject scope)
    {
        try
        {
            return _feel.EvaluateHeader(expression, scope);
        }
        catch (FeelExpressionException e)
        {
            throw new ExpressionException(e.About(property));
        }
    }

    private sealed class ExpressionException(string message) : Exception(message);

    private static bool IsTrue(JsonNode? value) => value is JsonValue v && v.TryGetValue<bool>(out var flag) && flag;

    private static string? Text(JsonNode? value) => value switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var text) => text,
        _ => value.ToJsonString(),
    };
}
