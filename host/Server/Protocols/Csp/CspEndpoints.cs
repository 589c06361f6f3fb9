using Switchboard.Host.Callbacks;
using Microsoft.Extensions.Options;
using Switchboard.Host.Catalog;

namespace Switchboard.Host.Protocols.Csp;

/// <summary>The Connector Server Protocol's routes: <c>POST /csp/connector</c>, <c>GET /csp/connectors</c>, a connector's details and the callback status.</summary>
internal static class CspEndpoints
{
    public static void MapCsp(this IEndpointRouteBuilder endpoints)
    {
        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<CspOptions>>().Value;
        var csp = endpoints.MapGroup("/csp");
        if (!string.IsNullOrEmpty(options.BearerToken))
        {
            var logger = endpoints.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(CredentialFilter));
            csp.AddEndpointFilter(CredentialFilter.Bearer(Switchboard.Abstractions.Protocol.Csp, options.BearerToken, logger));
        }

        // The handler is a singleton, taken once here: resolved per call it would make each request its own service scope.
        var handler = endpoints.ServiceProvider.GetRequiredService<CspRequestHandler>();
        csp.MapPost("/connector", (HttpContext http) => handler.HandleAsync(http));
        csp.MapGet("/connectors", (PluginCatalog catalog) => Results.Json(CspConnectorListing.List(catalog)));
        csp.MapGet("/connectors/{type}", (string type, PluginCatalog catalog) => catalog.Find(type) is { } connector
            ? Results.Json(CspConnectorListing.Describe(connector))
            : Results.Json(new System.Text.Json.Nodes.JsonObject { ["detail"] = $"no loaded connector has the type '{Core.Outcomes.EscapedText.Quote(type)}'" }, statusCode: StatusCodes.Status404NotFound));
        csp.MapGet("/status", (CspCallbackMetrics metrics) => Results.Json(metrics.Snapshot()));
    }
}
