using System.Text.Json;
using System.Text.Json.Nodes;
using Switchboard.Abstractions.Inbound;
using Switchboard.Core.Inbound;
using Switchboard.Host.Protocols;
using Switchboard.Host.Protocols.Inbound;

namespace Switchboard.Host.Isolation;

/// <summary>An inbound connector's runs as they cross between the host and a worker process: the activation, a webhook
/// request, and what a poll, a webhook check and a subscription's run answer. The host reads what a worker answers
/// strictly: the connection is open to the plugin's code, which can answer in the worker's stead.</summary>
internal static class InboundMessages
{
    /// <summary>What the worker needs of an activation to bind and run it: its id, connector, properties and the values
    /// of its secrets (to mask).</summary>
    public static void WriteActivation(Utf8JsonWriter json, Activation activation)
    {
        json.WriteStartObject("activation");
        json.WriteString("id", activation.Id);
        json.WriteString("type", activation.ConnectorType);
        json.WriteStartObject("properties");
        foreach (var (name, value) in activation.Properties)
            json.WriteString(name, value);
        json.WriteEndObject();
        json.WriteStartArray("secrets");
        foreach (var secret in activation.Secrets)
            json.WriteStringValue(secret);
        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>The activation a request carries (in the worker; the host wrote it). Correlation is the host's, so
    /// only what binding and running need is there.</summary>
    public static Activation ReadActivation(JsonObject request)
    {
        var activation = request["activation"]!.AsObject();
        var id = (string)activation["id"]!;
        return new Activation(id, (string)activation["type"]!, id,
            activation["properties"]!.AsObject().ToDictionary(p => p.Key, p => (string)p.Value!, StringComparer.Ordinal),
            null, null, null, null, null, Activation.DefaultMessageTtl, null, null, ConsumeUnmatchedEvents: false)
        {
            Secrets = activation["secrets"]!.AsArray().Select(s => (string)s!).ToList(),
        };
    }

    public static void WriteRequest(Utf8JsonWriter json, WebhookRequest request)
    {
        json.WriteStartObject("request");
        json.WriteString("method", request.Method);
        json.WriteString("url", request.Url);
        WriteTexts(json, "headers", request.Headers);
        WriteTexts(json, "query", request.Query);
        json.WriteBase64String("body", request.Body.Span);
        json.WritePropertyName("mapped");
        json.WriteNodeOrNull(request.Mapped);
        json.WriteEndObject();
    }

    public static WebhookRequest ReadRequest(JsonObject message)
    {
        var request = message["request"]!.AsObject();
        return new WebhookRequest
        {
            Method = (string)request["method"]!,
            Url = (string)request["url"]!,
            // As the host made them: header names without regard to case, query names as sent.
            Headers = request["headers"]!.AsObject().ToDictionary(h => h.Key, h => (string)h.Value!, StringComparer.OrdinalIgnoreCase),
            Query = request["query"]!.AsObject().ToDictionary(q => q.Key, q => (string)q.Value!, StringComparer.Ordinal),
            Body = Convert.FromBase64String((string)request["body"]!),
            Mapped = request["mapped"] as JsonObject,
        };
    }

    private static void WriteTexts(Utf8JsonWriter json, string name, IReadOnlyDictionary<string, string> texts)
    {
        json.WriteStartObject(name);
        foreach (var (key, value) in texts)
            json.WriteString(key, value);
        json.WriteEndObject();
    }

    public static void WritePolled(Utf8JsonWriter json, PollAnswer answer)
    {
        json.WriteStartArray("events");
        foreach (var @event in answer.Events)
            json.WriteNodeOrNull(@event);
        json.WriteEndArray();
        json.WriteString("cursor", answer.Cursor);
        if (answer.NextPollAfter is { } wait)
            json.WriteNumber("nextPollAfterMs", wait.TotalMilliseconds);
        json.WriteString("problem", answer.Problem);
        json.WriteBoolean("misconfigured", answer.Misconfigured);
    }

    /// <summary>A worker's answer to a poll; throws <see cref="InvalidDataException"/> naming what is wrong with it.</summary>
    public static PollAnswer ReadPolled(JsonObject message)
    {
        if (message["events"] is not JsonArray events)
            throw new InvalidDataException("its answer to a poll has no list of events");
        var cursor = Text(message, "cursor");
        TimeSpan? wait = message["nextPollAfterMs"] switch
        {
            null => null,
            JsonValue ms when ms.TryGetValue<double>(out var value) && double.IsFinite(value) && value is >= 0 and <= int.MaxValue => TimeSpan.FromMilliseconds(value),
            _ => throw new InvalidDataException("its answer to a poll has a wait that is not a number of milliseconds"),
        };
        var problem = Text(message, "problem");
        var misconfigured = message["misconfigured"] is JsonValue flag && flag.TryGetValue<bool>(out var set) && set;
        // Each event is the connector's, taken out of the message rather than copied.
        var taken = events.ToList();
        events.Clear();
        return problem is null ? new PollAnswer(taken, cursor, wait) : PollAnswer.Failed(problem, misconfigured);
    }

    public static void WriteHandled(Utf8JsonWriter json, WebhookAnswer answer)
    {
        if (answer.Decision is { } decision)
            json.WriteString("decision", decision.ToString());
        else
            json.WriteNull("decision");
        json.WriteNumber("statusCode", answer.StatusCode);
        json.WriteString("message", answer.Message);
        json.WritePropertyName("body");
        json.WriteNodeOrNull(answer.Body);
    }

    /// <summary>A worker's answer to a webhook request; throws <see cref="InvalidDataException"/> naming what is wrong with it.</summary>
    public static WebhookAnswer ReadHandled(JsonObject message)
    {
        WebhookDecision? decision = message["decision"] switch
        {
            null => null,
            JsonValue text when text.TryGetValue<string>(out var name) && Enum.TryParse<WebhookDecision>(name, out var parsed) && Enum.IsDefined(parsed)
                && name == parsed.ToString() => parsed,
            _ => throw new InvalidDataException("its answer to a webhook request has a decision that is not Accept, Reject or Respond"),
        };
        if (message["statusCode"] is not JsonValue status || !status.TryGetValue<int>(out var code) || code is < 200 or > 599)
            throw new InvalidDataException("its answer to a webhook request has no HTTP status");
        var body = message["body"];
        message.Remove("body");
        var answer = new WebhookAnswer(decision, code, body, Text(message, "message"));
        if (decision is null or WebhookDecision.Reject && answer.Message is null)
            throw new InvalidDataException("its answer to a webhook request has no message");
        return answer;
    }

    public static void WriteEnded(Utf8JsonWriter json, SubscriptionEnd end)
    {
        json.WriteString("problem", end.Problem);
        json.WriteBoolean("misconfigured", end.Misconfigured);
    }

    /// <summary>A worker's answer to a subscription's run; throws <see cref="InvalidDataException"/> naming what is wrong with it.</summary>
    public static SubscriptionEnd ReadEnded(JsonObject message) =>
        new(Text(message, "problem"), message["misconfigured"] is JsonValue flag && flag.TryGetValue<bool>(out var set) && set);

    private static string? Text(JsonObject message, string name) => message[name] switch
    {
        null => null,
        JsonValue value when value.TryGetValue<string>(out var text) => text,
        _ => throw new InvalidDataException($"its answer has a {name} that is not text"),
    };
}
