using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Xml;
using Switchboard.Abstractions;
using Switchboard.Abstractions.Inbound;
using Switchboard.Plugins.Http.Authentication;

namespace Switchboard.Plugins.Http.Polling;

/// <summary>Camunda's HTTP polling connector: every <c>httpRequestInterval</c> it sends the configured request and hands
/// the answer on as one event <c>{"response": {"status", "headers", "body"}}</c>, which the activation condition
/// decides on (<c>=response.body.status = "done"</c>), as Camunda's runtime does.</summary>
/// <remarks>A request that fails (no connection, a timeout, a status of 300 or more) fails the poll: the activation is
/// reported down with the reason and polled again after the interval. It keeps no cursor: each answer is an event.</remarks>
[InboundConnector("io.camunda:http-polling:1", Name = "HTTP polling",
    Description = "Polls an HTTP endpoint every interval; each answer is an event the activation condition decides on.")]
public sealed class HttpPollingConnector : IPollingConnector<HttpPollingProperties>
{
    public async Task<PollResult> PollAsync(HttpPollingProperties properties, string? cursor, IInboundContext context)
    {
        var interval = Interval(properties.HttpRequestInterval);
        using var handler = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(properties.ConnectionTimeoutInSeconds),
            AllowAutoRedirect = false,
        };
        // Redirects as the REST connector follows them: credentials are dropped when a redirect names another host.
        // The request's own deadline (connection and read timeouts) bounds it, not HttpClient's default of 100 s.
        using var client = new HttpClient(properties.FollowRedirects ? new RedirectHandler(handler) : handler, disposeHandler: false)
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        var write = new HttpWriteInput
        {
            Url = properties.Url,
            Params = properties.QueryParameters?.DeepClone(),
            Headers = properties.Headers is null ? [] : new Dictionary<string, string>(properties.Headers, StringComparer.OrdinalIgnoreCase),
            IncludeResponseHeaders = true,
            TimeoutSeconds = properties.ConnectionTimeoutInSeconds + properties.ReadTimeoutInSeconds,
            Data = properties.Method is "POST" or "PUT" or "PATCH" ? properties.Body?.DeepClone() : null,
            BodyFormat = properties.Body is JsonValue text && text.TryGetValue<string>(out _) ? BodyFormat.Raw : BodyFormat.Json,
        };
        await HttpAuthentication.ApplyAsync(properties, write, client, TimeSpan.FromSeconds(properties.ConnectionTimeoutInSeconds),
            TimeSpan.FromSeconds(write.TimeoutSeconds), context.CancellationToken);

        var sender = new RequestSender(client, client);
        var response = await sender.SendAsync(new HttpMethod(properties.Method), write, write.Data is null ? null : write, context.Logger, context.CancellationToken);
        var @event = new JsonObject
        {
            ["response"] = new JsonObject
            {
                ["status"] = response.StatusCode,
                ["headers"] = new JsonObject((response.Headers ?? new Dictionary<string, string>()).Select(h => KeyValuePair.Create(h.Key, (JsonNode?)h.Value))),
                ["body"] = (response.Body as JsonNode)?.DeepClone(),
            },
        };
        return PollResult.Of([@event], nextPollAfter: interval);
    }

    private static TimeSpan Interval(string text)
    {
        try
        {
            var interval = XmlConvert.ToTimeSpan(text);
            return interval > TimeSpan.Zero ? interval : throw new FormatException();
        }
        catch (FormatException)
        {
            throw new ConnectorInputException("InvalidInterval", $"must be a positive ISO 8601 duration such as PT50S, not '{text}'") { Field = "httpRequestInterval" };
        }
    }
}
