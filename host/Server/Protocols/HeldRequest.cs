using Switchboard.Host.Invocation;

namespace Switchboard.Host.Protocols;

/// <summary>An HTTP answer written while the request's own thread is still in plugin code (see <see cref="InlineStart"/>).</summary>
internal static class HeldRequest
{
    /// <summary>Asks an HTTP/1.x client to close the connection when the answer comes from another thread than the one the
    /// plugin code holds: Kestrel reads a connection's next request only once its handler returns, so a client reusing it
    /// would wait for plugin code that may never return. HTTP/2 streams do not wait for each other, and have no such header.</summary>
    public static void CloseConnectionIfHeld(HttpContext http, InlineStart inline)
    {
        if (!inline.HeldElsewhere || http.Response.HasStarted)
            return;
        var protocol = http.Request.Protocol;
        if (HttpProtocol.IsHttp11(protocol) || HttpProtocol.IsHttp10(protocol))
            http.Response.Headers.Connection = "close";
    }
}
