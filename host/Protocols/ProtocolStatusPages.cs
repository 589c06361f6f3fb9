using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Switchboard.Host.Protocols.Csp;
using Switchboard.Host.Protocols.Spiff;

namespace Switchboard.Host.Protocols;

/// <summary>Gives the framework's own bodiless refusals (no such route, wrong method, body too large) the protocol's error form on its routes.</summary>
/// <remarks>
/// A CSP client reads a JSON-RPC error and SpiffArena reads the v2 envelope; an empty 404 or 405 tells neither what
/// went wrong. Kestrel's own refusals before a request reaches the application (414, 431, 408, a NUL in the path)
/// are written by Kestrel itself and stay bodiless.
/// </remarks>
internal static class ProtocolStatusPages
{
    public static void UseProtocolStatusPages(this WebApplication app)
    {
        var spiffBase = app.Services.GetRequiredService<SpiffOptions>().BasePath;
        app.UseStatusCodePages(context => WriteAsync(context, spiffBase));
    }

    private static Task WriteAsync(StatusCodeContext context, string? spiffBase)
    {
        var http = context.HttpContext;
        var path = http.Request.Path;
        var status = http.Response.StatusCode;
        var problem = Describe(status, http.Request.Method, path);
        if (path.StartsWithSegments("/csp"))
        {
            var body = JsonRpcResponses.Error(null, CspErrorCodes.InvalidRequest, problem, Code(status));
            var buffer = new ArrayBufferWriter<byte>(256);
            using (var writer = new Utf8JsonWriter(buffer))
                body.WriteTo(writer);
            return Write(http, buffer.WrittenMemory);
        }
        if (path.StartsWithSegments("/v1") || path.StartsWithSegments("/liveness")
            || (spiffBase is not null && path.StartsWithSegments(spiffBase)))
            return Write(http, SpiffEnvelope.Failure(new SpiffFailure(status, Code(status), problem)));
        return Task.CompletedTask;
    }

    private static string Code(int status) => status switch
    {
        404 => "NotFound",
        405 => "MethodNotAllowed",
        413 => "PayloadTooLarge",
        415 => "UnsupportedMediaType",
        _ => "HttpError" + status,
    };

    private static string Describe(int status, string method, PathString path) => status switch
    {
        404 => $"there is no route {Shown(path)}",
        405 => $"{Shown(path)} does not answer {method}",
        413 => "the request body is too large",
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
