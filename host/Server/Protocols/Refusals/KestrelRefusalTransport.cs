using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Switchboard.Host.Protocols.Refusals;

/// <summary>A connection's transport, seen by Kestrel, that gives Kestrel's own bodiless refusals a body in the
/// protocol's error form.</summary>
/// <remarks>
/// Kestrel answers some requests itself, before any middleware runs, and offers no hook to shape those answers: a
/// request line or header block beyond its limits (414, 431), a request line it cannot parse (a NUL in the path: 400),
/// headers that never finish (408). It then closes the connection. So this transport notes the method and target of
/// each request line it passes to Kestrel, and holds back what Kestrel writes while no request is in the application's
/// hands (between <see cref="RequestEntered"/> and <see cref="RequestLeft"/>). A held write that is a bodiless
/// HTTP/1.1 4xx answer to a protocol's route is rewritten with the body <see cref="ProtocolRefusals"/> gives; everything
/// else passes unchanged. While the application has a request, writes go straight through: the protocols' own answers
/// pay one field check.
/// </remarks>
internal sealed class KestrelRefusalTransport : IDuplexPipe
{
    private static readonly object ItemKey = new();
    private readonly Func<ProtocolRefusals> _refusals;
    private int _inApplication;
    private volatile bool _expectingRequestLine = true;
    private string? _method;
    private string? _path;

    /// <summary>A transport over <paramref name="inner"/> (tests drive its two sides directly).</summary>
    internal static KestrelRefusalTransport Over(IDuplexPipe inner, Func<ProtocolRefusals> refusals) => new(inner, refusals);

    private KestrelRefusalTransport(IDuplexPipe inner, Func<ProtocolRefusals> refusals)
    {
        _refusals = refusals;
        Input = new RequestLineRecorder(inner.Input, this);
        Output = new RefusalRewriter(inner.Output, this);
    }

    public PipeReader Input { get; }

    public PipeWriter Output { get; }

    /// <summary>Whether a request is in the application's hands, whose answers must pass unchanged.</summary>
    internal bool InApplication => Volatile.Read(ref _inApplication) > 0;

    /// <summary>Whether the next bytes Kestrel reads start a request line.</summary>
    internal bool ExpectingRequestLine => _expectingRequestLine;

    /// <summary>Wraps every connection of <paramref name="listen"/>.</summary>
    public static void Use(ListenOptions listen) => listen.Use(next => connection =>
    {
        var transport = new KestrelRefusalTransport(connection.Transport,
            () => listen.ApplicationServices.GetRequiredService<ProtocolRefusals>());
        connection.Transport = transport;
        connection.Items[ItemKey] = transport;
        return next(connection);
    });

    /// <summary>The transport of the connection with these items, when it is one of ours.</summary>
    public static KestrelRefusalTransport? Of(IConnectionItemsFeature? items) =>
        items is not null && items.Items.TryGetValue(ItemKey, out var transport) ? transport as KestrelRefusalTransport : null;

    /// <summary>Marks a request as in the application's hands, until <see cref="RequestLeft"/>.</summary>
    public void RequestEntered()
    {
        Interlocked.Increment(ref _inApplication);
        _expectingRequestLine = false;
    }

    /// <summary>Marks the request's middleware as done.</summary>
    /// <remarks>Kestrel may still write the end of the answer after this (a chunked body's last chunk); that write is
    /// held and passed on unchanged, as it is no bodiless refusal. An answer the application left bodiless on a
    /// protocol's route has had its body from <see cref="ProtocolStatusPages"/> by then, so nothing of the
    /// application's is rewritten; this costs less per request than waiting for the response's completion.</remarks>
    public void RequestLeft()
    {
        _expectingRequestLine = true;
        Interlocked.Decrement(ref _inApplication);
    }

    /// <summary>Notes the method and path of a request line at the start of <paramref name="buffer"/>, if one is there.</summary>
    internal void Saw(ReadOnlySequence<byte> buffer)
    {
        // The path's first segments decide the protocol; the rest of a long target is not needed.
        Span<byte> start = stackalloc byte[256];
        var sample = start[..(int)Math.Min(buffer.Length, start.Length)];
        buffer.Slice(0, sample.Length).CopyTo(sample);
        var space = sample.IndexOf((byte)' ');
        if (space is < 1 or > 16 || space + 1 >= sample.Length)
            return;
        foreach (var b in sample[..space])
        {
            if (b is < (byte)'A' or > (byte)'Z')
                return;
        }
        var target = PathOf(sample[(space + 1)..]);
        if (target.IsEmpty)
            return;
        var end = target.IndexOfAny((byte)' ', (byte)'?', (byte)'\r');
        _method = Reused(_method, sample[..space]);
        _path = Reused(_path, end < 0 ? target : target[..end]);
        _expectingRequestLine = false;
    }

    // The path of a request target: itself (origin form), or what follows the authority of an absolute URI (a proxy's
    // form, which HTTP/1.1 servers must accept: Kestrel refuses one naming another host than the Host header, and the
    // refusal went out bodiless on a protocol's route); empty for any other form.
    private static ReadOnlySpan<byte> PathOf(ReadOnlySpan<byte> target)
    {
        if (target.Length > 0 && target[0] == '/')
            return target;
        var scheme = target.IndexOf("://"u8);
        if (scheme is < 4 or > 5 || !(Ascii.EqualsIgnoreCase(target[..scheme], "http"u8) || Ascii.EqualsIgnoreCase(target[..scheme], "https"u8)))
            return [];
        var authority = target[(scheme + 3)..];
        var path = authority.IndexOfAny((byte)'/', (byte)' ', (byte)'?');
        return path >= 0 && authority[path] == '/' ? authority[path..] : "/"u8;
    }

    // A kept-alive connection mostly repeats its request line: the text seen last is kept rather than made again.
    private static string Reused(string? last, ReadOnlySpan<byte> ascii) =>
        last is not null && Ascii.Equals(ascii, last) ? last : Encoding.ASCII.GetString(ascii);

    /// <summary><paramref name="written"/> with a protocol's error body when it is Kestrel's bodiless refusal of a request
    /// to a protocol's route; otherwise null, to be sent as written.</summary>
    internal byte[]? Rewrite(ReadOnlySpan<byte> written)
    {
        if (_path is null || _method is null or "HEAD" || !written.StartsWith("HTTP/1.1 4"u8))
            return null;
        var headEnd = written.IndexOf("\r\n\r\n"u8);
        if (headEnd < 0 || headEnd + 4 != written.Length || written.Length < 12)
            return null;
        var head = Encoding.ASCII.GetString(written[..headEnd]);
        var lines = head.Split("\r\n");
        if (!lines.Contains("Content-Length: 0", StringComparer.OrdinalIgnoreCase)
            || !int.TryParse(lines[0].AsSpan(9, 3), out var status)
            || _refusals().Body(status, _method, new PathString(_path)) is not { } body)
            return null;

        var rewritten = new StringBuilder();
        foreach (var line in lines.Where(l => !l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)))
            rewritten.Append(line).Append("\r\n");
        rewritten.Append("Content-Type: application/json\r\nContent-Length: ").Append(body.Length).Append("\r\n\r\n");
        var headBytes = Encoding.ASCII.GetBytes(rewritten.ToString());
        var answer = new byte[headBytes.Length + body.Length];
        headBytes.CopyTo(answer, 0);
        body.Span.CopyTo(answer.AsSpan(headBytes.Length));
        return answer;
    }
}
