using Microsoft.AspNetCore.HostFiltering;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Switchboard.Host.Logging;
using Microsoft.AspNetCore.Connections.Features;

namespace Switchboard.Host.Protocols.Refusals;

/// <summary>Gives the framework's own bodiless refusals (no such route, wrong method, body too large) the protocol's error form on its routes.</summary>
/// <remarks>
/// A CSP client reads a JSON-RPC error and SpiffArena reads the v2 envelope; an empty 404 or 405 tells neither what
/// went wrong. Kestrel refuses an over-long request line (414) or header block (431) itself, before the application
/// sees it; so Kestrel's limits are set well above ours (<see cref="KestrelRequestLineLimit"/>,
/// <see cref="KestrelHeadersLimit"/>) and ours are enforced here, with the request at hand. What Kestrel still refuses
/// itself (beyond its limits, a header timeout, a request line it cannot parse) is given its body by
/// <see cref="KestrelRefusalTransport"/>, which this middleware tells when a request is in the application's hands.
/// </remarks>
internal static class ProtocolStatusPages
{
    /// <summary>The longest path and query we accept; longer ones are answered 414.</summary>
    public const int MaxRequestTarget = 8 * 1024;

    /// <summary>The largest header block we accept (names and values); larger ones are answered 431.</summary>
    public const int MaxHeaderBytes = 32 * 1024;

    /// <summary>Kestrel's own limits, set above ours so that ours answer first.</summary>
    public const int KestrelRequestLineLimit = 64 * 1024, KestrelHeadersLimit = 128 * 1024;

    public static void UseProtocolStatusPages(this WebApplication app)
    {
        var refusals = app.Services.GetRequiredService<ProtocolRefusals>();
        // One middleware, outermost, so that every answer the application writes, the refusals' own included, passes
        // the transport unchanged. It gives a bodiless error its body itself, as ASP.NET Core's status code pages would
        // (same conditions): that middleware costs every request a feature and an items dictionary, about 7 % of what a
        // CSP request allocated, while this one is already wrapped around every request.
        app.Use(async (http, next) =>
        {
            var transport = KestrelRefusalTransport.Of(http.Features.Get<IConnectionItemsFeature>());
            transport?.RequestEntered();
            try
            {
                var (status, problem) = OverOurLimits(http.Request);
                if (status != 0)
                {
                    http.Response.StatusCode = status;
                    await WriteAsync(http, refusals, problem);
                    return;
                }
                await next(http);
                if (Bodiless(http.Response))
                    await WriteAsync(http, refusals);
            }
            finally
            {
                transport?.RequestLeft();
            }
        });
        // Inside the refusal pages (SwitchboardApp takes ASP.NET Core's own, which would run before them, out): a host
        // name AllowedHosts refuses is a bodiless 400 here, given its form above. Without AllowedHosts it passes all.
        app.UseHostFiltering();
    }

    // An error status the application left without a body: not started, no length, no type.
    private static bool Bodiless(HttpResponse response) =>
        !response.HasStarted && response.StatusCode is >= 400 and <= 599 && response.ContentLength is null && string.IsNullOrEmpty(response.ContentType);

    private static (int Status, string? Problem) OverOurLimits(HttpRequest request)
    {
        var target = (request.Path.Value?.Length ?? 0) + (request.QueryString.Value?.Length ?? 0);
        if (target > MaxRequestTarget)
            return (StatusCodes.Status414UriTooLong, null);
        var headers = 0L;
        foreach (var (name, values) in request.Headers)
        {
            headers += name.Length;
            foreach (var value in values)
                headers += value?.Length ?? 0;
        }
        return headers > MaxHeaderBytes
            ? (StatusCodes.Status431RequestHeaderFieldsTooLarge, $"the request headers are {headers} bytes, larger than the {MaxHeaderBytes} allowed")
            : (0, null);
    }

    private static Task WriteAsync(HttpContext http, ProtocolRefusals refusals, string? problem = null)
    {
        problem ??= http.Response.StatusCode == StatusCodes.Status400BadRequest && !HostAllowed(http) ? HostProblem(http.Request) : null;
        if (refusals.Body(http.Response.StatusCode, http.Request.Method, http.Request.Path, problem) is not { } body)
            return Task.CompletedTask;
        http.Response.ContentType = "application/json";
        http.Response.ContentLength = body.Length;
        return http.Response.Body.WriteAsync(body, http.RequestAborted).AsTask();
    }

    // Asked only of a bodiless 400, so the allowed hosts are read on that path alone.
    private static bool HostAllowed(HttpContext http)
    {
        var allowed = http.RequestServices.GetRequiredService<IOptionsMonitor<HostFilteringOptions>>().CurrentValue.AllowedHosts;
        return allowed.Count == 0 || allowed.Contains("*") || HostString.MatchesAny(http.Request.Host.Host, allowed.Select(h => new StringSegment(h)).ToList());
    }

    private static string HostProblem(HttpRequest request) =>
        $"the request names host '{LogValueSanitizer.Escape(request.Host.Host, 100)}', which this server does not answer for (its AllowedHosts setting)";
}
