using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Switchboard.Tests.Callbacks;

/// <summary>A callback receiver on loopback that reads each callback whole, answers <c>200 OK</c> declaring a body of
/// <see cref="Declared"/> bytes, sends only a few of them and closes the connection: the callback was taken and
/// accepted, only the answer's body is cut short.</summary>
internal sealed class CutShortAnswerReceiver : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _requests;

    private CutShortAnswerReceiver()
    {
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>The body each answer declares; only <c>{"ok":</c> of it is sent.</summary>
    public const int Declared = 1000;

    /// <summary>Callbacks received whole and answered 200.</summary>
    public int Requests => Volatile.Read(ref _requests);

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>A callback URL on this receiver.</summary>
    public string Url(string path) => $"http://127.0.0.1:{Port}/{path.TrimStart('/')}";

    public static CutShortAnswerReceiver Start() => new();

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = AnswerAsync(socket);
        }
    }

    private async Task AnswerAsync(Socket socket)
    {
        using (socket)
        {
            try
            {
                await using var stream = new NetworkStream(socket, ownsSocket: false);
                // The request's head, then its whole body (Content-Length): the callback is taken.
                var buffer = new List<byte>();
                var one = new byte[1];
                while (!EndsWithBlankLine(buffer))
                {
                    if (await stream.ReadAsync(one, _stop.Token) == 0)
                        return;
                    buffer.Add(one[0]);
                }
                var head = Encoding.ASCII.GetString(buffer.ToArray());
                var length = head.Split("\r\n").Where(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                    .Select(l => int.Parse(l["Content-Length:".Length..].Trim())).FirstOrDefault();
                var body = new byte[length];
                await stream.ReadExactlyAsync(body, _stop.Token);
                Interlocked.Increment(ref _requests);
                var answer = $"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {Declared}\r\n\r\n{{\"ok\":";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(answer), _stop.Token);
                await stream.FlushAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or SocketException)
            {
                return;
            }
            // The rest of the declared body never comes: the connection ends here.
            socket.Shutdown(SocketShutdown.Both);
        }
    }

    private static bool EndsWithBlankLine(List<byte> bytes) =>
        bytes.Count >= 4 && bytes[^4] == '\r' && bytes[^3] == '\n' && bytes[^2] == '\r' && bytes[^1] == '\n';

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
    }
}
