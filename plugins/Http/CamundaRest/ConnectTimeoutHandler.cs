using System.Globalization;
using System.Net.Sockets;

namespace Switchboard.Plugins.Http.CamundaRest;

/// <summary>A connection pool whose connect timeout is the request's own (<c>connectionTimeoutInSeconds</c> differs
/// per task), where <see cref="SocketsHttpHandler.ConnectTimeout"/> would fix one for the whole pool.</summary>
internal static class ConnectTimeoutHandler
{
    /// <summary>The request option carrying its connect timeout; absent or zero: no limit of its own.</summary>
    public static readonly HttpRequestOptionsKey<TimeSpan> ConnectTimeout = new("switchboard.connectTimeout");

    /// <summary>A pool that never follows redirects itself: <see cref="RedirectHandler"/> in front of it does, when asked.</summary>
    public static SocketsHttpHandler Create() => new()
    {
        AllowAutoRedirect = false,
        // No cookie jar: the pool serves every job, and a session cookie one job received went with every later job's
        // request to that host.
        UseCookies = false,
        // DNS changes are picked up by recycling pooled connections (the plugin owns the pool; see HttpConnector).
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        ConnectCallback = ConnectAsync,
    };

    // The same connect SocketsHttpHandler makes by default, within the request's own timeout.
    private static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (context.InitialRequestMessage.Options.TryGetValue(ConnectTimeout, out var timeout) && timeout > TimeSpan.Zero)
            deadline.CancelAfter(timeout);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(context.DnsEndPoint, deadline.Token);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new TimeoutException(string.Create(CultureInfo.InvariantCulture, $"no connection to {context.DnsEndPoint.Host}:{context.DnsEndPoint.Port} within {timeout.TotalSeconds:0.###} s (connectionTimeoutInSeconds)"));
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
