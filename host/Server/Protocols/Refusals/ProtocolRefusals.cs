using Switchboard.Host.Hosting;
using Switchboard.Host.Protocols.Csp;
using Switchboard.Host.Protocols.Spiff;

namespace Switchboard.Host.Protocols.Refusals;

/// <summary>The body of an HTTP refusal (no route, wrong method, a request Kestrel could not parse) in the error form
/// of the protocol whose route the request was for: a JSON-RPC error on CSP's, the v2 envelope on Spiff's, a webhook's
/// <c>{"message", "errorCode"}</c> on <c>/inbound</c>.</summary>
/// <remarks>One place decides the form, for the refusals the application sees (<see cref="ProtocolStatusPages"/>) and for
/// the ones Kestrel answers before any application code runs (<see cref="KestrelRefusalTransport"/>).</remarks>
internal sealed class ProtocolRefusals
{
    private readonly bool _csp;
    private readonly bool _inbound;
    private readonly SpiffOptions? _spiff;
    private readonly int _maxHeaderCount;

    public ProtocolRefusals(IEnumerable<ProtocolRoutes> routes, IServiceProvider services)
    {
        // Kestrel refuses more header fields than this itself (431) before any application code sees the request.
        _maxHeaderCount = services.GetService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>>()?.Value.Limits.MaxRequestHeaderCount ?? 100;
        // Only the protocols this host was composed with have routes whose refusals take their form.
        var protocols = routes.Select(r => r.Name).ToHashSet();
        _csp = protocols.Contains("csp");
        _inbound = protocols.Contains("inbound");
        _spiff = protocols.Contains("spiff") ? services.GetRequiredService<SpiffOptions>() : null;
    }

    /// <summary>The JSON body for refusing <paramref name="method"/> <paramref name="path"/> with <paramref name="status"/>,
    /// or null when the path is no protocol's route (the refusal then keeps the framework's own answer).</summary>
    /// <param name="problem">What was wrong when the status alone does not say it; described from the status when null.</param>
    public ReadOnlyMemory<byte>? Body(int status, string method, PathString path, string? problem = null)
    {
        problem ??= Describe(status, method, path);
        // A client whose base address ends in '/' asks for //v1/do/...: no route serves it, but the request was meant for
        // the protocol its path names after the slashes, so it gets that protocol's form rather than an empty 404.
        path = WithOneLeadingSlash(path);
        if (_csp && path.StartsWithSegments("/csp"))
            return JsonRpcResponses.Utf8(JsonRpcResponses.Error(null, CspErrorCodes.InvalidRequest, problem, Code(status)));
        if (_spiff is not null && (path.StartsWithSegments("/v1") || path.StartsWithSegments("/liveness")
            || (_spiff.BasePath is { } spiffBase && path.StartsWithSegments(spiffBase))))
            return SpiffEnvelope.Failure(new SpiffFailure(status, Code(status), problem)).ToArray();
        // A webhook's own refusals (no activation there, a body too large) are {"message", "errorCode"}: so are these.
        if (_inbound && path.StartsWithSegments("/inbound"))
            return System.Text.Encoding.UTF8.GetBytes(new System.Text.Json.Nodes.JsonObject { ["message"] = problem, ["errorCode"] = Code(status) }
                .ToJsonString(ResponseJson.RelaxedText));
        return null;
    }

    private static PathString WithOneLeadingSlash(PathString path) =>
        path.Value is { Length: > 1 } value && value[1] == '/' ? new PathString("/" + value.TrimStart('/')) : path;

    private static string Code(int status) => status switch
    {
        400 => "BadRequest",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        408 => "RequestTimeout",
        413 => "PayloadTooLarge",
        414 => "UriTooLong",
        415 => "UnsupportedMediaType",
        431 => "HeadersTooLarge",
        _ => "HttpError" + status,
    };

    private string Describe(int status, string method, PathString path) => status switch
    {
        400 => "the request is not valid HTTP (for example a NUL or control character in the path, a malformed header line, or an absolute URI naming another host than the Host header)",
        404 => $"there is no route {Shown(path)}",
        405 => $"{Shown(path)} does not answer {method}",
        408 => "the request's headers did not arrive in time",
        413 => "the request body is too large",
        414 => $"the path and query are longer than {ProtocolStatusPages.MaxRequestTarget} characters",
        // Kestrel's refusal does not say which of its limits a request passed: both are named.
        431 => $"the request has more than {_maxHeaderCount} header fields, or headers larger than {ProtocolStatusPages.MaxHeaderBytes} bytes",
        _ => $"the request was refused with HTTP {status}",
    };

    private static string Shown(PathString path) => path.Value is { Length: > 200 } value ? value[..200] + "…" : path.Value ?? "/";
}
