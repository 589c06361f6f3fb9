using Switchboard.Core.Inbound;
using Switchboard.Core.Outcomes;
using System.Globalization;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Switchboard.Abstractions;
using Switchboard.Abstractions.Inbound;
using Switchboard.Core.Metadata;
using Switchboard.Core.Describing;
using Switchboard.Core.Binding;
using Switchboard.Core.Invoking;
using Switchboard.Host.Catalog;
using Switchboard.Host.Connectors;
using Switchboard.Host.Invocation;
using Switchboard.Host.Logging;

namespace Switchboard.Host.Protocols.Inbound;

/// <summary>Serves <c>/inbound/{context}</c>: finds the activation listening there, lets its connector (from the
/// plugin generation serving it now) check the request, correlates it and answers with the outcome's status.</summary>
/// <remarks>Every request holds a lease on the generation it runs on while the connector's code runs (and as long as
/// code that outlived its timeout still runs), as an outbound call does, so a reload never breaks a request in flight
/// and the old generation unloads once that code is done, not held up by a gateway slow to correlate; and a slot of its connector's
/// concurrency limit while the connector's code runs, as an outbound call does, so a flood of requests to a connector
/// that blocks is refused at once past the limit rather than holding a thread each until its timeout.</remarks>
internal sealed class WebhookHandler(PluginCatalog catalog, InboundCorrelator correlator, IOptions<InboundOptions> options, CatalogOptions catalogOptions,
    InboundActivity activity, ActivationRegistry registry, ILoggerFactory loggers)
{
    private readonly ILogger _logger = loggers.CreateLogger<WebhookHandler>();

    public async Task HandleAsync(HttpContext http, string context)
    {
        try
        {
            await HandleOrThrowAsync(http, context);
        }
        catch (Exception e) when (!http.RequestAborted.IsCancellationRequested && !http.Response.HasStarted)
        {
            // A bug of ours still gets a JSON answer; its details stay in the log.
            _logger.LogError(e, "Inbound request on {Context} failed inside the adapter via {Protocol}", LogValueSanitizer.Escape(context, 200), "Webhook");
            await AnswerAsync(http, 500, new JsonObject { ["message"] = "the request could not be processed" });
            if (registry.TryGet(context, out var activation))
                activity.Record(activation, 500, "failed inside the adapter: " + e.GetType().Name);
        }
    }

    private async Task HandleOrThrowAsync(HttpContext http, string context)
    {
        var started = Stopwatch.GetTimestamp();
        if (!registry.TryGet(context, out var activation))
        {
            await AnswerAsync(http, 404, new JsonObject { ["message"] = $"no activation listens on /inbound/{LogValueSanitizer.Escape(context, 200)}" });
            return;
        }
        using var span = Telemetry.InboundTelemetry.Start(activation.ConnectorType, activation.Id, "webhook");
        // Read before the plugin's generation is leased: a body sent slowly (Kestrel lets one trickle in at 240 bytes a
        // second) held the lease meanwhile, and a replaced generation cannot unload while a lease on it is held.
        var read = await RequestBody.ReadAsync(http, options.Value.MaxBodyBytes, http.RequestAborted);
        if (read.Body is not { } body)
        {
            await AnswerAsync(http, read.Status, new JsonObject { ["message"] = read.Problem, ["errorCode"] = read.ErrorCode });
            Log(activation, read.Status, read.Problem!, started);
            return;
        }
        using var lease = catalog.AcquireInbound(activation.ConnectorType);
        if (lease is null)
        {
            await AnswerAsync(http, 503, new JsonObject { ["message"] = $"no loaded plugin serves the inbound connector type '{activation.ConnectorType}'" });
            Log(activation, 503, "connector not loaded", started);
            return;
        }
        if (lease.Definition.Metadata.Kind != InboundKind.Webhook)
        {
            // A polling or subscription activation has a context too (its id), but no webhook listens there.
            await AnswerAsync(http, 404, new JsonObject { ["message"] = $"activation '{activation.Id}' is a {lease.Definition.Metadata.Kind.ToString().ToLowerInvariant()} connector; no webhook listens on /inbound/{LogValueSanitizer.Escape(context, 200)}" });
            return;
        }

        var headers = http.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var query = http.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
        var @event = Event(headers, query, body);
        var request = new WebhookRequest
        {
            Method = http.Request.Method.ToUpperInvariant(),
            Url = Microsoft.AspNetCore.Http.Extensions.UriHelper.BuildAbsolute(http.Request.Scheme, http.Request.Host, http.Request.PathBase, http.Request.Path),
            Headers = headers,
            Query = query,
            Body = body,
            // The connector's own expressions (an API key locator) read the request as the correlation does: it read a body
            // of its own, so a form's fields or a JSON body behind a byte order mark were text to it and fields here.
            Mapped = @event,
        };
        if (WebhookResponse.Verify(activation, @event) is { } challenge)
        {
            await AnswerShapedAsync(http, challenge);
            Log(activation, challenge.Status, challenge.Problem ?? "answered a verification challenge", started);
            return;
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        using var deadline = Invocation.CallCancellation.Deadline(timeout, catalogOptions.DefaultTimeout); // survives the plugin's callbacks
        if (await TakeSlotAsync(http, activation, lease.Slots, timeout.Token, started) is not { } permit)
            return;
        // The connector's run takes the lease over and gives it back when its code ends: the generation is not held while
        // the answer is sent and the message correlated, so a gateway slow to answer cannot keep a replaced generation
        // from unloading, and it is held for as long as plugin code that outlived its timeout still runs.
        var (decision, problem) = await DecideAsync(activation, lease, request, permit, timeout, http.RequestAborted);
        if (problem is not null)
        {
            await AnswerAsync(http, problem.Value.Status, new JsonObject { ["message"] = problem.Value.Message });
            Log(activation, problem.Value.Status, problem.Value.Message, started);
            return;
        }
        switch (decision!.Result.Decision)
        {
            case WebhookDecision.Reject:
                await AnswerAsync(http, decision.Result.StatusCode, new JsonObject { ["message"] = decision.Message });
                Log(activation, decision.Result.StatusCode, "refused by the connector: " + decision.Message, started);
                return;
            case WebhookDecision.Respond:
                await AnswerAsync(http, decision.Result.StatusCode, decision.Body);
                Log(activation, decision.Result.StatusCode, "answered by the connector", started);
                return;
        }

        if (WebhookResponse.Preview(activation, @event) is { Problem: { } unsendable } refused)
        {
            await AnswerShapedAsync(http, refused);
            Log(activation, refused.Status, "nothing was correlated: " + unsendable, started);
            return;
        }
        var correlation = await correlator.CorrelateAsync(activation, "request", @event, http.RequestAborted);
        var answer = new JsonObject
        {
            ["status"] = correlation.Status,
            ["message"] = correlation.Message,
            ["key"] = correlation.Key?.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (correlation.Succeeded && WebhookResponse.Shape(activation, @event, answer) is { } shaped)
        {
            // Only what depends on the correlation itself (its key or message) can still fail here.
            await AnswerShapedAsync(http, shaped);
            Log(activation, shaped.Status, correlation.Message + (shaped.Problem is null ? " (answered by the response expression)"
                : $", but the response expression's answer could not be sent: {shaped.Problem}"), started);
            return;
        }
        await AnswerAsync(http, correlation.HttpStatus, answer);
        Log(activation, correlation.HttpStatus, correlation.Message, started);
    }

    /// <summary>What the connector decided, with a refusal's message and the body of a direct answer as they are sent:
    /// the body written as JSON, and both with the activation's secrets masked.</summary>
    private sealed record Decided(WebhookResult Result, JsonNode? Body, string? Message);

    private string TimedOut => $"the connector did not answer within {SecondsText.Of(catalogOptions.DefaultTimeout)}";

    /// <summary>A slot of the connector's concurrency limit for this request (waiting in its queue within the timeout), or
    /// null when the request was answered instead: 503 <c>Busy</c> with <c>Retry-After</c> past the running and waiting
    /// requests, 504 when its wait outlasted the timeout.</summary>
    /// <remarks>A refusal is logged once per burst, its first: a flood would otherwise write a line per request, which is
    /// what the limit spares. The requests it refused are counted in <c>/inbound</c> and said once the burst ends.</remarks>
    private async Task<RateLimitLease?> TakeSlotAsync(HttpContext http, Activation activation, CallSlots slots, CancellationToken timeout, long started)
    {
        CallSlots.Taken taken;
        try
        {
            taken = await slots.TakeAsync(timeout);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            return null; // the caller is gone: no one to answer
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            await AnswerAsync(http, 504, new JsonObject { ["message"] = TimedOut });
            Log(activation, 504, TimedOut, started);
            return null;
        }
        if (taken.Permit is { } permit)
        {
            if (taken.EndsBurstOf is > 1 and var refused)
                _logger.LogInformation("Inbound connector {Connector} via {Protocol} admits requests again; {Refused} requests were refused while it was at its limit",
                    activation.ConnectorType, "Webhook", refused);
            return permit;
        }
        var busy = slots.Busy(activation.ConnectorType).Message;
        // When a slot frees is unknown (as one of the running requests ends): a second keeps a polite caller from hammering.
        http.Response.Headers.RetryAfter = "1";
        await AnswerAsync(http, 503, new JsonObject { ["message"] = busy, ["errorCode"] = "Busy" });
        activity.Record(activation, 503, busy);
        if (taken.StartsBurst)
            _logger.LogWarning("Inbound activation {Activation} ({Connector}) via {Protocol} answered {StatusCode}: {Outcome}; the requests refused after it are counted, not logged, until one is admitted again",
                activation.Id, activation.ConnectorType, "Webhook", 503, busy);
        return null;
    }

    /// <summary>Binds the activation's properties and runs the connector's check inside its plugin's load context.</summary>
    /// <remarks>Binding, the constructor, the check and <c>Dispose</c> start off the request's thread (see
    /// <see cref="InboundConnectorCall.Start{T}"/>), so any of them that blocks is answered 504 at the call timeout like a
    /// check that never returns; <paramref name="permit"/> stays taken until the connector's code really ends, its
    /// <c>Dispose</c> included, so a connector whose code blocks holds at most its limit's threads. Everything of the
    /// connector's (its result, the body of a direct answer, written with its getters) is checked here, so what fails in
    /// it is the connector's failure.</remarks>
    private async Task<(Decided? Decision, (int Status, string Message)? Problem)> DecideAsync(Activation activation, InboundLease lease,
        WebhookRequest request, RateLimitLease permit, CancellationTokenSource timeout, CancellationToken aborted)
    {
        // Binding, the constructor, the check and Dispose all run off the request's thread; the slot and the generation
        // are given back when the last of them ends.
        var (generation, definition) = (lease.Generation, lease.Definition);
        var held = lease.HandOver();
        var run = InboundConnectorCall.Start<(Decided?, (int, string)?)>(generation, definition, activation, _logger,
            binding => (null, (500, binding.Problem!)),
            async (instance, binding) =>
            {
                try
                {
                    var context = new InboundContext(activation.Id, InboundConnectorCall.PluginLogger(loggers, generation, binding), timeout.Token,
                        generation.PluginContext);
                    var result = await ((Task<WebhookResult>?)definition.Invoke(instance, binding.Properties, request, context)
                        ?? throw new WebhookResultException("it returned no task (null)"));
                    return (Check(result, generation.Writer, binding.Masker), null);
                }
                catch (OperationCanceledException) when (timeout.IsCancellationRequested && !aborted.IsCancellationRequested)
                {
                    return (null, (504, TimedOut));
                }
                catch (Exception e)
                {
                    return ConnectorFailed(activation, e, binding.Masker);
                }
            },
            (e, binding) => ConnectorFailed(activation, e, binding.Masker));
        _ = run.Ended.ContinueWith(static (_, state) =>
        {
            var (permit, held) = ((RateLimitLease, IDisposable))state!;
            permit.Dispose();
            held.Dispose();
        }, (permit, held), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        try
        {
            return await run.Result.WaitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !aborted.IsCancellationRequested)
        {
            return (null, (504, TimedOut));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Binding itself failed: no secret is known yet to mask.
            return ConnectorFailed(activation, e, new SecretMasker([]));
        }
    }

    /// <summary>The connector's result as the host can send it; throws <see cref="WebhookResultException"/> naming what
    /// cannot be (a null result, a status out of range, as a plugin built before the range checks could give, or a
    /// body that cannot be written as JSON). A secret property the connector quotes is masked there, as in every answer
    /// the host sends.</summary>
    private static Decided Check(WebhookResult? result, OutputWriter writer, SecretMasker masker)
    {
        if (result is null)
            throw new WebhookResultException("it gave no WebhookResult (null)");
        var (low, high) = result.Decision == WebhookDecision.Reject ? (400, 499) : (200, 599);
        if (result.Decision != WebhookDecision.Accept && (result.StatusCode < low || result.StatusCode > high))
            throw new WebhookResultException($"it answered with the status {result.StatusCode}, which is not an HTTP status it may answer with ({low} to {high})");
        if (result.Decision != WebhookDecision.Respond)
            return new Decided(result, null, result.Message is { } message ? masker.Apply(message) : null);
        try
        {
            return new Decided(result, masker.Apply(writer.Write(result.Body)), null);
        }
        catch (Exception e)
        {
            // A getter that threw reaches us wrapped by reflection: its own exception is the one to name.
            var cause = e is System.Reflection.TargetInvocationException { InnerException: { } inner } ? inner : e;
            throw new WebhookResultException($"the body of its answer cannot be written: {cause.GetType().Name}: {cause.Message}", e);
        }
    }

    private (Decided?, (int Status, string Message)?) ConnectorFailed(Activation activation, Exception e, SecretMasker masker)
    {
        _logger.LogError(e, "Inbound activation {Activation} ({Connector}) failed in the connector via {Protocol}", activation.Id, activation.ConnectorType, "Webhook");
        var why = e is WebhookResultException ? e.Message : $"{e.GetType().Name}: {e.Message}";
        return (null, (500, masker.Apply("the connector failed: " + why)));
    }

    /// <summary>A result the connector gave that the host cannot send.</summary>
    private sealed class WebhookResultException(string message, Exception? inner = null) : Exception(message, inner);

    /// <summary>The event FEEL sees as <c>request</c>: the body (a form's fields, JSON when it is JSON, else text), headers and
    /// query parameters; the connector gets the same as <see cref="WebhookRequest.Mapped"/>.</summary>
    private static JsonObject Event(IReadOnlyDictionary<string, string> headers, IReadOnlyDictionary<string, string> query, byte[] bytes)
    {
        JsonNode? body = null;
        if (bytes.Length > 0 && IsForm(headers))
        {
            // A form (Twilio's, Slack's) is its fields, as Camunda's runtime reads it: request.body.From; a name without
            // a value has the empty text; a field sent several times, or in other cases, once, its values joined with
            // commas, as a header's are (names read as ASP.NET Core reads a query, without regard to case).
            var form = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(Encoding.UTF8.GetString(bytes));
            body = new JsonObject(form.Select(field => KeyValuePair.Create(field.Key, (JsonNode?)field.Value.ToString())));
        }
        else if (bytes.Length > 0)
        {
            // Read as the HTTP protocols read a body (a byte order mark allowed; UTF-8, keys once each and Unicode strings
            // required); anything else is the text it holds, so a repeated key never reaches Zeebe and a bad string never
            // fails the request later.
            body = RequestBody.ParseElement(bytes, RequestBody.Strict, out _) is { } element && RequestBody.FindNotText(bytes, element) is null
                ? ElementNode.Over(element)
                : JsonValue.Create(Encoding.UTF8.GetString(bytes));
        }
        return new JsonObject
        {
            ["body"] = body,
            ["headers"] = new JsonObject(headers.Select(h => KeyValuePair.Create(h.Key, (JsonNode?)h.Value))),
            ["params"] = new JsonObject(query.Select(q => KeyValuePair.Create(q.Key, (JsonNode?)q.Value))),
        };
    }

    private static bool IsForm(IReadOnlyDictionary<string, string> headers) =>
        headers.TryGetValue("content-type", out var type) &&
        Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(type, out var media) &&
        media.MediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase);

    private void Log(Activation activation, int status, string outcome, long started)
    {
        activity.Record(activation, status, outcome);
        _logger.Log(status >= 500 ? LogLevel.Warning : LogLevel.Information,
            "Inbound activation {Activation} ({Connector}) via {Protocol} answered {StatusCode} in {ElapsedMs} ms: {Outcome}",
            activation.Id, activation.ConnectorType, "Webhook", status, Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 2), outcome);
    }

    // Sends an expression's answer, its headers checked when it was shaped (WebhookResponse).
    private static Task AnswerShapedAsync(HttpContext http, WebhookResponse.Shaped shaped)
    {
        foreach (var (name, value) in shaped.Headers)
            http.Response.Headers[name] = value;
        return AnswerAsync(http, shaped.Status, shaped.Body);
    }

    private static Task AnswerAsync(HttpContext http, int status, JsonNode? body)
    {
        http.Response.StatusCode = status;
        // These statuses carry no body (HTTP forbids one, and Kestrel throws on writing it): the expression's is dropped.
        if (status is 204 or 205 or 304 or < 200)
            return Task.CompletedTask;
        http.Response.ContentType = "application/json";
        // Answers are JSON for programs, never HTML: quotes and apostrophes stay readable rather than \u0027.
        return http.Response.WriteAsync(body?.ToJsonString(ResponseJson.RelaxedText) ?? "null");
    }
}
