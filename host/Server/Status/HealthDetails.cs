using System.Text.Json.Nodes;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Switchboard.Host.Status;

/// <summary>How each part's health check hands its details to <c>GET /health</c>: one JSON object under the check's name.</summary>
internal static class HealthDetails
{
    private const string Key = "details";

    public static HealthCheckResult Healthy(JsonObject details) => HealthCheckResult.Healthy(data: new Dictionary<string, object> { [Key] = details });

    public static HealthCheckResult Degraded(string reason, JsonObject details) =>
        HealthCheckResult.Degraded(reason, data: new Dictionary<string, object> { [Key] = details });

    /// <summary>Writes <c>{"status":"healthy", "&lt;check&gt;": {details…, "status": …}, …}</c>.</summary>
    public static Task WriteAsync(HttpContext http, HealthReport report)
    {
        var body = new JsonObject { ["status"] = Name(report.Status) };
        foreach (var (name, entry) in report.Entries)
        {
            var details = entry.Data.TryGetValue(Key, out var value) && value is JsonObject json ? (JsonObject)json.DeepClone() : new JsonObject();
            details["status"] = Name(entry.Status);
            if (entry.Description is { } description)
                details["description"] = description;
            body[name] = details;
        }
        http.Response.ContentType = "application/json";
        return http.Response.WriteAsync(body.ToJsonString());
    }

    private static string Name(HealthStatus status) => status.ToString().ToLowerInvariant();
}
