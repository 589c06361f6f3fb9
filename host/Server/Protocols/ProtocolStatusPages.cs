using Switchboard.Host.Hosting;
using Switchboard.Host.Protocols.Csp;
using Switchboard.Host.Protocols.Spiff;

namespace Switchboard.Host.Protocols;

/// <summary>Gives the framework's own bodiless refusals (no such route, wrong method, body too large) the protocol's error form on its routes.</summary>
/// <remarks>
/// A CSP client reads a JSON-RPC error and SpiffArena reads the v2 envelope; an empty 404 or 405 tells neither what
/// went wrong. Kestrel refuses an over-long request line (414) or header block (431) itself, with no body, before
/// the application sees it; so Kestrel's limits are set well above ours (<see cref="KestrelRequestLineLimit"/>,
/// <see cref="KestrelHeadersLimit"/>) and ours are enforced here, in the protocol's form; a body Kestrel cannot read
/// is answered by <see cref="RequestBody"/>. Only requests beyond Kestrel's limits, header timeouts (408) and request
/// lines Kestrel cannot parse (a NUL in the path) stay bodiless: no request reaches the application for them.
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
        // Only the protocols this host was composed with have routes whose refusals take their form.
        var protocols = app.Services.GetServices<ProtocolRoutes>().Select(r => r.Name).ToHashSet();
        var csp = protocols.Contains("csp");
        var spiff = protocols.Contains("spiff") ? app.Services.GetRequiredService<SpiffOptions>() : null;
        app.UseStatusCodePages(context => WriteAsync(context.HttpContext, csp, spiff));
        app.Use(async (http, next) =>
        {
            var request = http.Request;
            var target = (request.Path.Value?.Length ?? 0) + (request.QueryString.Value?.Length ?? 0);
            var headers = 0L;
            foreach (var (name, values) in request.Headers)
                headers += name.Length + values.Sum(v => (long)(v?.Length ?? 0));
            var status = target > MaxRequestTarget ? StatusCodes.Status414UriTooLong
                : headers > MaxHeaderBytes ? StatusCodes.Status431RequestHeaderFieldsTooLarge
                : 0;
            if (status == 0)
            {
                await next(http);
                return;
            }
            http.Response.StatusCode = status;
            await WriteAsync(http, csp, spiff);
        });
    }

    private static Task WriteAsync(HttpContext http, bool csp, SpiffOptions? spiff)
    {
        var path = http.Request.Path;
        var status = http.Response.StatusCode;
        var problem = Describe(status, http.Request.Method, path);
        if (csp && path.StartsWithSegments("/csp"))
        {
            return Write(http, JsonRpcResponses.Utf8(JsonRpcResponses.Error(null, CspErrorCodes.InvalidRequest, problem, Code(status))));
        }
        if (spiff is not null && (path.StartsWithSegments("/v1") || path.StartsWithSegments("/liveness")
            || (spiff.BasePath is { } spiffBase && path.StartsWithSegments(spiffBase))))
            return Write(http, SpiffEnvelope.Failure(new SpiffFailure(status, Code(status), problem)));
        return Task.CompletedTask;
    }

    private static string Code(int status) => status switch
    {
        404 => "NotFound",
        405 => "MethodNotAllowed",
        413 => "PayloadTooLarge",
        414 => "UriTooLong",
        431 => "HeadersTooLarge",
        415 => "UnsupportedMediaType",
        _ => "HttpError" + status,
    };

    private static string Describe(int status, string method, PathString path) => status switch
    {
        404 => $"there is no route {Shown(path)}",
        405 => $"{Shown(path)} does not answer {method}",
        413 => "the request body is too large",
        414 => $"the path and query are longer than {MaxRequestTarget} characters",
        431 => $"the request headers are larger than {MaxHeaderBytes} bytes",
        _ => $"the request was refused with HTTP {status}",
    };

    private static string Shown(PathString path) => path.Value is { Length: > 200 } value ? value[..200] + "…" : path.Value ?? "/";

    private static Task Write(HttpContext http, ReadOnlyMemory<byte> body)
    {
        http.Response.ContentType = "application/json";
        http.Response.ContentLength = body.Length;
        return http.Response.Body.WriteAsync(body, http.RequestAborted).AsTask();
    }
}
