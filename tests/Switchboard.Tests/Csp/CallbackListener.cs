using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Csp;

/// <summary>A real HTTP server on loopback that receives CSP callbacks, answering the first ones with chosen failure statuses.</summary>
internal sealed class CallbackListener : IAsyncDisposable
{
    private LoopbackServer _server = null!;
    private readonly Channel<JsonNode> _delivered = Channel.CreateUnbounded<JsonNode>();
    private readonly ConcurrentQueue<int> _failures;
    private int _requests;

    private CallbackListener(IEnumerable<int> failures)
    {
        _failures = new ConcurrentQueue<int>(failures);
    }

    /// <summary>The URL to pass as <c>callbackUrl</c>; its query carries a token that must never reach a log or an error.</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>A <c>Retry-After</c> value sent with each failure status, when set.</summary>
    public string? RetryAfter { get; set; }

    /// <summary>Every request received, refused ones included.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Starts listening; the first requests are answered with <paramref name="failWith"/> statuses in turn, the rest with 200.</summary>
    public static async Task<CallbackListener> StartAsync(params int[] failWith)
    {
        var listener = new CallbackListener(failWith);
        listener._server = await LoopbackServer.StartAsync(app => app.MapPost("/callbacks/csp", listener.ReceiveAsync));
        listener.Url = new Uri(listener._server.Address, "callbacks/csp?token=listener-secret");
        return listener;
    }

    /// <summary>The next callback answered 200, or a timeout.</summary>
    public async Task<JsonNode> NextAsync(TimeSpan? timeout = null)
    {
        using var cancellation = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        return await _delivered.Reader.ReadAsync(cancellation.Token);
    }

    /// <summary>Whether a further callback arrives within <paramref name="wait"/>.</summary>
    public async Task<bool> ReceivesMoreWithin(TimeSpan wait)
    {
        using var cancellation = new CancellationTokenSource(wait);
        try
        {
            await _delivered.Reader.WaitToReadAsync(cancellation.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task<IResult> ReceiveAsync(HttpRequest request, HttpResponse response)
    {
        Interlocked.Increment(ref _requests);
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync();
        if (_failures.TryDequeue(out var status))
        {
            if (RetryAfter is not null)
                response.Headers.RetryAfter = RetryAfter;
            return Results.StatusCode(status);
        }
        _delivered.Writer.TryWrite(JsonNode.Parse(body)!);
        return Results.Ok();
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
