namespace Switchboard.Host.Protocols.Spiff;

/// <summary>Redirects a request for one of the proxy's routes written with repeated slashes (<c>//v1/do/...</c>) to the
/// same path with single slashes, 308 so that a POST is sent again with its body, as the real connector proxy does.</summary>
/// <remarks>A SpiffArena backend whose proxy address ends in '/' asks for <c>//v1/do/...</c>. The real proxy is a Flask
/// application, whose router (Werkzeug) merges repeated slashes by such a redirect, and the backend's HTTP client follows
/// it; answering 404 here would break a setup that works with the proxy we stand in for. The merged path starts with
/// exactly one slash, so the redirect cannot name another host (<c>//example.com/...</c> is a protocol-relative URL).</remarks>
internal static class MergedSlashes
{
    /// <summary>Redirects such requests under the proxy's routes (<paramref name="basePath"/>, if any, and the root).</summary>
    public static void UseMergedSpiffSlashes(this WebApplication app, string? basePath) => app.Use(next => http =>
    {
        var path = http.Request.Path.Value;
        if (path is null || !path.Contains("//", StringComparison.Ordinal))
            return next(http);
        var merged = Merge(path);
        if (!IsProxyRoute(merged, basePath))
            return next(http);
        http.Response.StatusCode = StatusCodes.Status308PermanentRedirect;
        http.Response.Headers.Location = http.Request.PathBase.Add(new PathString(merged)).Add(http.Request.QueryString).ToString();
        return Task.CompletedTask;
    });

    private static string Merge(string path)
    {
        var builder = new System.Text.StringBuilder(path.Length);
        foreach (var c in path)
            if (c != '/' || builder.Length == 0 || builder[^1] != '/')
                builder.Append(c);
        return builder.ToString();
    }

    private static bool IsProxyRoute(string path, string? basePath)
    {
        var at = new PathString(path);
        if (basePath is not null && at.StartsWithSegments(basePath, out var rest))
            at = rest;
        return at.StartsWithSegments("/v1") || at.StartsWithSegments("/liveness");
    }
}
