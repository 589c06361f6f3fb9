using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Switchboard.ZeebeTestGateway;

/// <summary>The orchestration cluster REST endpoints the host uses: a search of process definitions (<c>isLatestVersion</c>
/// filter, <c>page.from</c>/<c>page.limit</c> paging) and a definition's BPMN XML for inbound discovery, and the
/// document store's upload for outbound connectors.</summary>
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
            gateway.SearchPageServed();
            if (gateway.SearchNeverEnds)
                return Results.Json(new JsonObject
                {
                    ["items"] = new JsonArray(Enumerable.Range(from, limit).Select(i => (JsonNode)new JsonObject
                    {
                        ["processDefinitionKey"] = (1_000_000_000L + i).ToString(), ["processDefinitionId"] = "p" + i, ["version"] = 1,
                    }).ToArray()),
                });
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
        rest.MapPost("/v2/documents", async (HttpContext http) =>
        {
            static IResult Problem(int status, string title, string detail) =>
                Results.Json(new JsonObject { ["type"] = "about:blank", ["title"] = title, ["status"] = status, ["detail"] = detail }, statusCode: status,
                    contentType: "application/problem+json");
            if (gateway.RefuseDocument())
                return gateway.RefusalBody is { } body
                    ? Results.Text(body, "application/problem+json", statusCode: 503)
                    : Problem(503, "SERVICE_UNAVAILABLE", "the document store is not available");
            if (gateway.AnswerHuge())
                return Results.Text("{\"documentId\":\"huge\",\"pad\":\"" + new string('x', 8 * 1024 * 1024) + "\"}", "application/json", statusCode: 201);
            if (!http.Request.HasFormContentType)
                return Problem(415, "UNSUPPORTED_MEDIA_TYPE", "expected multipart/form-data with a file part");
            var form = await http.Request.ReadFormAsync();
            if (form.Files.GetFile("file") is not { } file)
                return Problem(400, "INVALID_ARGUMENT", "no file part");
            JsonObject metadata;
            try
            {
                metadata = form.TryGetValue("metadata", out var text) && !string.IsNullOrEmpty(text) ? JsonNode.Parse(text.ToString())!.AsObject() : new JsonObject();
            }
            catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException)
            {
                return Problem(400, "INVALID_ARGUMENT", "the metadata part is not a JSON object");
            }
            using var content = new MemoryStream();
            await file.CopyToAsync(content);
            var bytes = content.ToArray();
            var stored = gateway.StoreDocument(bytes, file.ContentType, file.FileName, metadata);
            var answered = metadata.DeepClone().AsObject();
            answered["contentType"] ??= file.ContentType;
            answered["size"] = bytes.Length;
            return Results.Json(new JsonObject
            {
                ["camunda.document.type"] = "camunda",
                ["storeId"] = "in-memory",
                ["documentId"] = stored.DocumentId,
                ["contentHash"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)),
                ["metadata"] = answered,
            }, statusCode: 201);
        });
        rest.MapGet("/v2/process-definitions/{key}/xml", (string key) =>
            gateway.Definitions.FirstOrDefault(d => d.Key.ToString() == key) is { } definition
                ? Results.Text(definition.Xml, "text/xml")
                : Results.Json(new JsonObject { ["title"] = "NOT_FOUND", ["status"] = 404 }, statusCode: 404));
    }
}
