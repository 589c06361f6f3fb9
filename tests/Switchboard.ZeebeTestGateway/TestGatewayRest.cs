using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Switchboard.ZeebeTestGateway;

/// <summary>The two orchestration cluster REST endpoints the inbound adapter reads: a search of process definitions
/// (<c>isLatestVersion</c> filter, <c>page.from</c>/<c>page.limit</c> paging) and a definition's BPMN XML.</summary>
internal static class TestGatewayRest
{
    public static void Map(IEndpointRouteBuilder app, TestGateway gateway)
    {
        // The same bearer token the gRPC side requires, as one OAuth client serves both APIs of a cluster.
        var rest = app.MapGroup("").AddEndpointFilter(async (context, next) =>
            gateway.RequiredToken is { } token && context.HttpContext.Request.Headers.Authorization.ToString() != "Bearer " + token
                ? Results.Json(new JsonObject { ["title"] = "UNAUTHORIZED", ["status"] = 401 }, statusCode: 401)
                : await next(context));
        rest.MapPost("/v2/process-definitions/search", async (HttpContext http) =>
        {
            var body = await JsonNode.ParseAsync(http.Request.Body) ?? new JsonObject();
            var latestOnly = body["filter"]?["isLatestVersion"]?.GetValue<bool>() == true;
            var from = body["page"]?["from"]?.GetValue<int>() ?? 0;
            var limit = body["page"]?["limit"]?.GetValue<int>() ?? 100;
            var definitions = gateway.Definitions.Where(d => !latestOnly || d.IsLatest).ToList();
            return Results.Json(new JsonObject
            {
                ["items"] = new JsonArray(definitions.Skip(from).Take(limit).Select(d => (JsonNode)new JsonObject
                {
                    ["processDefinitionKey"] = d.Key.ToString(),
                    ["processDefinitionId"] = d.BpmnProcessId,
                    ["version"] = d.Version,
                    ["name"] = d.BpmnProcessId,
                    ["tenantId"] = "<default>",
                    ["resourceName"] = d.BpmnProcessId + ".bpmn",
                }).ToArray()),
                ["page"] = new JsonObject { ["totalItems"] = definitions.Count },
            });
        });
        rest.MapGet("/v2/process-definitions/{key}/xml", (string key) =>
            gateway.Definitions.FirstOrDefault(d => d.Key.ToString() == key) is { } definition
                ? Results.Text(definition.Xml, "text/xml")
                : Results.Json(new JsonObject { ["title"] = "NOT_FOUND", ["status"] = 404 }, statusCode: 404));
    }
}
