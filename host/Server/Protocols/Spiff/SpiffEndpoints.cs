using Switchboard.Host.Callbacks;

namespace Switchboard.Host.Protocols.Spiff;

/// <summary>The proxy's routes, at the root and under <see cref="SpiffOptions.BasePath"/>: liveness, commands, auths, do.</summary>
internal static class SpiffEndpoints
{
    private const string Json = "application/json";

    /// <summary>Maps the routes; takes the application rather than a route builder because CORS needs its middleware.</summary>
    public static void MapSpiff(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<SpiffOptions>();
        // Created now so it follows the catalog from the first load and reports refused ids when plugins load.
        app.Services.GetRequiredService<SpiffCommandIndex>();
        if (options.CorsOrigins.Length > 0)
            app.UseCors();
        app.UseMergedSpiffSlashes(options.BasePath);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(CredentialFilter));
        // The handler is a singleton, taken once here: resolved per call it would make each request its own service scope.
        var handler = app.Services.GetRequiredService<SpiffDoHandler>();
        Map(app.MapGroup(""), options, logger, handler);
        if (options.BasePath is { } basePath)
            Map(app.MapGroup(basePath), options, logger, handler);
    }

    private static void Map(RouteGroupBuilder root, SpiffOptions options, ILogger logger, SpiffDoHandler handler)
    {
        if (options.CorsOrigins.Length > 0)
            root.RequireCors(SpiffServices.CorsPolicy);

        // Liveness stays outside the API key: orchestrators probe it without credentials.
        root.MapGet("/liveness", Live);
        root.MapGet("/v1/liveness", Live);

        var api = root.MapGroup("/v1");
        if (options.ApiKey is { } key)
            api.AddEndpointFilter(CredentialFilter.SpiffApiKey(key, logger));
        api.MapGet("/commands", (SpiffCommandIndex index) => Results.Bytes(index.CommandListJson, Json));
        api.MapGet("/auths", () => Results.Text("[]", Json));
        // Not part of the backend's contract: what became of long-running commands' callbacks, as /csp/status says for CSP.
        api.MapGet("/status", (SpiffCallbackMetrics metrics) => Results.Json(metrics.Snapshot()));
        api.MapPost("/do/{plugin}/{command}", (HttpContext http, string plugin, string command) => handler.HandleAsync(http, plugin, command));
    }

    private static IResult Live() => Results.Text("""{"ok":true}""", Json);
}
