using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Callbacks;

/// <summary>A hostile callback receiver on loopback: takes any callback, answers 200 with a huge declared body and then
/// sends that body, a byte at a time slowly or at full speed, until it is all sent or the caller goes away.</summary>
internal sealed class EndlessAnswerReceiver : IAsyncDisposable
{
    private readonly Channel<Answer> _answers = Channel.CreateUnbounded<Answer>();
    private readonly long _declared;
    private readonly int _chunk;
    private readonly TimeSpan _pause;
    private LoopbackServer _server = null!;
    private int _requests;

    private EndlessAnswerReceiver(long declared, int chunk, TimeSpan pause)
    {
        _declared = declared;
        _chunk = chunk;
        _pause = pause;
    }

    /// <summary>How one answer's body ended: the bytes sent, and whether the whole declared body was taken.</summary>
    public readonly record struct Answer(long Sent, bool Complete);

    /// <summary>The body every answer declares (<c>Content-Length</c>).</summary>
    public long Declared => _declared;

    /// <summary>Callbacks received.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>A callback URL on this receiver; its query carries a token that must never reach a log.</summary>
    public string Url(string path) => new Uri(_server.Address, path.TrimStart('/') + "?token=receiver-secret").ToString();

    /// <summary>Declares a gigabyte and sends one byte every 100 ms.</summary>
    public static Task<EndlessAnswerReceiver> TrickleAsync() => StartAsync(new EndlessAnswerReceiver(1_000_000_000, 1, TimeSpan.FromMilliseconds(100)));

    /// <summary>Declares <paramref name="bytes"/> and sends them as fast as the caller takes them, generated, not stored.</summary>
    public static Task<EndlessAnswerReceiver> FloodAsync(long bytes) => StartAsync(new EndlessAnswerReceiver(bytes, 64 * 1024, TimeSpan.Zero));

    /// <summary>The next answer to end (all sent, or its connection gone), or an exception after <paramref name="timeout"/>.</summary>
    public async Task<Answer> NextAnswerAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        return await _answers.Reader.ReadAsync(cancellation.Token);
    }

    private static async Task<EndlessAnswerReceiver> StartAsync(EndlessAnswerReceiver receiver)
    {
        receiver._server = await LoopbackServer.StartAsync(app => app.Map("/{**path}", receiver.AnswerAsync));
        return receiver;
    }

    private async Task AnswerAsync(HttpContext http)
    {
        Interlocked.Increment(ref _requests);
        var gone = http.RequestAborted;
        var chunk = new byte[_chunk];
        Array.Fill(chunk, (byte)'x');
        long sent = 0;
        try
        {
            await http.Request.Body.CopyToAsync(Stream.Null, gone);
            http.Response.StatusCode = StatusCodes.Status200OK;
            http.Response.ContentType = "application/json";
            http.Response.ContentLength = _declared;
            await http.Response.StartAsync(gone);
            while (sent < _declared && !gone.IsCancellationRequested)
            {
                var length = (int)Math.Min(chunk.Length, _declared - sent);
                // Once the caller has closed the connection Kestrel takes writes without sending them, until it gets round
                // to firing RequestAborted: the pipe's own answer says at once that nothing more goes out.
                var written = await http.Response.BodyWriter.WriteAsync(chunk.AsMemory(0, length), gone);
                if (written.IsCompleted || written.IsCanceled)
                    break;
                sent += length;
                if (_pause > TimeSpan.Zero)
                    await Task.Delay(_pause, gone);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // The caller closed the connection: that is what the tests wait for.
        }
        _answers.Writer.TryWrite(new Answer(sent, sent == _declared && !gone.IsCancellationRequested));
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
