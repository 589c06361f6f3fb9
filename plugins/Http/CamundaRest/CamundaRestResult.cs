using System.Text.Json.Nodes;

namespace Switchboard.Plugins.Http.CamundaRest;

/// <summary>What Camunda's REST connector returns: <c>resultVariable</c> gets all of it, and a <c>resultExpression</c>
/// sees <c>status</c>, <c>headers</c>, <c>body</c> and <c>document</c> at the top and as <c>response.*</c>.</summary>
/// <param name="Status">The HTTP status code.</param>
/// <param name="Headers">Each header once, with its first value (<c>Set-Cookie</c>: all of them, as a list), names as the server sent them.</param>
/// <param name="Body">The body: parsed when it is JSON, else the text; null when empty.</param>
/// <param name="Reason">The HTTP reason phrase.</param>
/// <param name="Document">With <c>storeResponse</c>: the reference of the document the body was stored as (the body is then null).</param>
public sealed record CamundaRestResult(int Status, JsonObject Headers, JsonNode? Body, string? Reason, JsonNode? Document = null);
