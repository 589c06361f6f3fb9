using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Switchboard.Host.Protocols;

namespace Switchboard.Host.Dashboard;

/// <summary>The developer dashboard's routes under <see cref="DashboardOptions.Path"/>: the page and its assets, the
/// state as JSON, and the same state pushed as server-sent events whenever a plugin's status or the recent calls change
/// (built once per change for every client of the feed, <see cref="DashboardFeed"/>).</summary>
internal static class DashboardEndpoints
{
    // How often an open event stream looks for new calls (plugin changes are pushed at once), and after how long without
    // a change it sends an empty heartbeat event so proxies keep the connection open.
    private static readonly TimeSpan CallsCheck = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);

    public static void MapDashboard(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<DashboardOptions>();
        if (options.Enabled == false)
            return;
        var ui = app.MapGroup(options.Path).AddEndpointFilter(new DashboardAccessFilter(options));
        // The page refers to its assets relatively, so it must be addressed as a folder.
        ui.MapGet("/", (HttpContext http) => http.Request.Path.Value?.EndsWith('/') == true
            ? DashboardAssets.Serve("index.html")
            : Results.Redirect(http.Request.PathBase + http.Request.Path + "/"));
        ui.MapGet("/assets/{name}", (string name) => DashboardAssets.Serve(name));

        // The data needs a secret: the protocols' own when any is set (whoever may call connectors may see them), the
        // configured key, or the key made for this run, logged with the address once the host listens.
        var api = ui.MapGroup("/api");
        var keys = app.Services.GetRequiredService<DashboardKeys>();
        var loggers = app.Services.GetRequiredService<ILoggerFactory>();
        api.AddEndpointFilter(CredentialFilter.Bearer("Dashboard", keys.Accepted, loggers.CreateLogger(typeof(CredentialFilter))));
        if (keys.Made is { } made)
            app.Lifetime.ApplicationStarted.Register(() => loggers.CreateLogger(typeof(DashboardEndpoints)).LogInformation(
                "Developer dashboard: {DashboardAddresses} (the key in the address is made for this run; it is also accepted as Authorization: Bearer)",
                string.Join(" ", Addresses(app.Urls, options.Path, made))));
        // The feed's snapshot: built once per change for every reader, so polling it costs a copy, not a build.
        api.MapGet("/state", (DashboardFeed feed) => Results.Text(feed.Current().Json, "application/json"));
        api.MapGet("/events", async (DashboardFeed feed, IHostApplicationLifetime lifetime, HttpContext http) =>
        {
            if (!feed.TryJoin())
            {
                // The page retries a refused feed every second, so it follows the host again once a place is free.
                http.Response.Headers.RetryAfter = "1";
                return Results.Json(new JsonObject { ["detail"] = $"the dashboard's live feed serves at most {options.MaxFeedClients} clients at once (Switchboard:Dashboard:MaxFeedClients)" },
                    statusCode: StatusCodes.Status503ServiceUnavailable);
            }
            try
            {
                await TypedResults.ServerSentEvents(Changes(feed, lifetime.ApplicationStopping, http.RequestAborted)).ExecuteAsync(http);
                return Results.Empty;
            }
            finally
            {
                feed.Leave();
            }
        });
    }

    // Where a person opens it: an address the host listens on everywhere (0.0.0.0, [::]) is opened as localhost.
    private static IEnumerable<string> Addresses(ICollection<string> urls, string path, string key) =>
        urls.Select(url => Uri.TryCreate(url.Replace("://+", "://localhost").Replace("://*", "://localhost"), UriKind.Absolute, out var uri)
                ? new UriBuilder(uri) { Host = uri.Host is "0.0.0.0" or "[::]" ? "localhost" : uri.Host, Path = path.TrimEnd('/') + "/", Fragment = "key=" + key }.Uri.ToString()
                : null)
            .OfType<string>().Distinct();

    // The state now, then again after each plugin status change (at once) or new calls (within CallsCheck); every client
    // sends the snapshot the feed built once for that change.
    private static async IAsyncEnumerable<SseItem<string>> Changes(DashboardFeed feed, CancellationToken stopping,
        [EnumeratorCancellation] CancellationToken aborted)
    {
        using var ending = CancellationTokenSource.CreateLinkedTokenSource(stopping, aborted);
        var sent = feed.Current();
        yield return new SseItem<string>(sent.Json, "state");
        while (true)
        {
            // Waiting on what the sent snapshot was built from, so a change made while it was built is sent next.
            var wait = await WaitForChangeAsync(sent.StatusChange, feed, sent.CallsVersion, ending.Token);
            if (wait is Wait.Ended)
                yield break;
            if (wait is Wait.Quiet)
            {
                // Only to keep the connection open through proxies; the page ignores it.
                yield return new SseItem<string>("", "heartbeat");
                continue;
            }
            sent = feed.Current();
            yield return new SseItem<string>(sent.Json, "state");
        }
    }

    private enum Wait { Changed, Quiet, Ended }

    private static async Task<Wait> WaitForChangeAsync(Microsoft.Extensions.Primitives.IChangeToken statusChange, DashboardFeed feed, long callsSeen, CancellationToken ending)
    {
        var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = statusChange.RegisterChangeCallback(static s => ((TaskCompletionSource)s!).TrySetResult(), changed);
        var waited = TimeSpan.Zero;
        try
        {
            while (!statusChange.HasChanged && feed.CallsRecorded == callsSeen)
            {
                if (waited >= Heartbeat)
                    return Wait.Quiet;
                await Task.WhenAny(changed.Task, Task.Delay(CallsCheck, ending));
                ending.ThrowIfCancellationRequested();
                waited += CallsCheck;
            }
            return Wait.Changed;
        }
        catch (OperationCanceledException)
        {
            return Wait.Ended;
        }
    }
}
