using Microsoft.AspNetCore.Routing;

namespace Switchboard.Host.Hosting;

/// <summary>Refuses, at start, a composition in which two endpoints answer the same path and method.</summary>
/// <remarks>Some of the host's paths are settings (<c>Switchboard:Telemetry:MetricsPath</c>, <c>Switchboard:Dashboard:Path</c>,
/// <c>Switchboard:Spiff:BasePath</c>): set to <c>/health</c>, the metrics were accepted and every health probe was
/// answered 500 (ASP.NET Core's routing cannot choose between two equal endpoints) for as long as the host ran. One check
/// over every mapped endpoint, rather than a list of reserved paths per setting that the next route would miss.</remarks>
internal static class RouteClashes
{
    /// <exception cref="StartupProblem">Two endpoints share a route pattern and a method.</exception>
    public static void Check(IEndpointRouteBuilder endpoints)
    {
        var seen = new List<(string Pattern, IReadOnlyList<string>? Methods, string Name)>();
        foreach (var endpoint in endpoints.DataSources.SelectMany(source => source.Endpoints).OfType<RouteEndpoint>())
        {
            // Routing ignores case and a trailing slash; no methods listed means every method.
            var pattern = "/" + (endpoint.RoutePattern.RawText ?? "").Trim('/').ToLowerInvariant();
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods is { Count: > 0 } listed ? listed : null;
            foreach (var (otherPattern, otherMethods, otherName) in seen)
            {
                if (otherPattern != pattern)
                    continue;
                var shared = methods is null ? otherMethods?.FirstOrDefault() ?? "every method"
                    : otherMethods is null ? methods[0]
                    : methods.FirstOrDefault(m => otherMethods.Contains(m, StringComparer.OrdinalIgnoreCase));
                if (shared is not null)
                    throw new StartupProblem($"two endpoints serve {pattern} ({shared}): {otherName} and {endpoint.DisplayName}; a path setting " +
                        "(Switchboard:Telemetry:MetricsPath, Switchboard:Dashboard:Path, Switchboard:Spiff:BasePath) names a route the host serves already");
            }
            seen.Add((pattern, methods, endpoint.DisplayName ?? pattern));
        }
    }
}
