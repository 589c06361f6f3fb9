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
        if (lease.Metadata.Kind != InboundKind.Webhook)
        {
            // A polling or subscription activation has a context too (its id), but no webhook listens there.
            await AnswerAsync(http, 404, new JsonObject { ["message"] = $"activation '{activation.Id}' is a {lease.Metadata.Kind.ToString().ToLowerInvariant()} connector; no webhook listens on /inbound/{LogValueSanitizer.Escape(context, 200)}" });
            return;
        }

        var (request, @event) = WebhookRequests.Make(http.Request.Method,
            Microsoft.AspNetCore.Http.Extensions.UriHelper.BuildAbsolute(http.Request.Scheme, http.Request.Host, http.Request.PathBase, http.Request.Path),
            http.Request.Headers.Select(h => KeyValuePair.Create(h.Key, h.Value.ToString())),
            http.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal), body);
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
        var decision = await DecideAsync(activation, lease, request, permit, timeout, http.RequestAborted);
        switch (decision.Decision)
        {
            case null:
                await AnswerAsync(http, decision.StatusCode, new JsonObject { ["message"] = decision.Message });
                Log(activation, decision.StatusCode, decision.Message!, started);
                return;
            case WebhookDecision.Reject:
                await AnswerAsync(http, decision.StatusCode, new JsonObject { ["message"] = decision.Message });
                Log(activation, decision.StatusCode, "refused by the connector: " + decision.Message, started);
                return;
            case WebhookDecision.Respond:
                await AnswerAsync(http, decision.StatusCode, decision.Body);
                Log(activation, decision.StatusCode, "answered by the connector", started);
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

    private string TimedOut => WebhookCall.TimedOut(catalogOptions.DefaultTimeout).Message!;

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

    /// <summary>What the connector decides about the request (<see cref="WebhookCall"/>), in the host or, under process
    /// isolation, in the plugin's worker process.</summary>
    /// <remarks><paramref name="permit"/> and the generation stay taken until the connector's code really ends, its
    /// <c>Dispose</c> included (in a worker: until the worker answers, or ends), so a connector whose code blocks holds at
    /// most its limit's threads.</remarks>
    private Task<WebhookAnswer> DecideAsync(Activation activation, InboundLease lease, WebhookRequest request, RateLimitLease permit,
        CancellationTokenSource timeout, CancellationToken aborted)
    {
        var limit = catalogOptions.DefaultTimeout;
        var run = lease.Generation.Worker is { } worker
            ? Isolation.WorkerInbound.Handle(worker, lease.Generation.PluginName, activation, request, limit, timeout.Token, aborted)
            : WebhookCall.Start(lease.Generation, lease.Definition!, activation, request, limit, timeout.Token, aborted, _logger, loggers);
        var held = lease.HandOver();
        _ = run.Ended.ContinueWith(static (_, state) =>
        {
            var (permit, held) = ((RateLimitLease, IDisposable))state!;
            permit.Dispose();
            held.Dispose();
        }, (permit, held), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return run.Result;
    }

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
