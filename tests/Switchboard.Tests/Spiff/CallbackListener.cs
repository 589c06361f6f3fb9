using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Spiff;

/// <summary>A stand-in for the backend's callback route: a real Kestrel listener on loopback answering scripted statuses.</summary>
public sealed class CallbackListener : IAsyncDisposable
{
    private readonly ConcurrentQueue<(int Status, string Body)> _script;
    private LoopbackServer _server = null!;

    private CallbackListener(ConcurrentQueue<(int, string)> script) => _script = script;

    /// <summary>Every request received, in order.</summary>
    public ConcurrentQueue<ReceivedCallback> Received { get; } = new();

    public Uri Address => _server.Address;

    /// <summary>A <c>Location</c> sent with every scripted redirect (a 3xx), when set.</summary>
    public string? Location { get; set; }

    /// <summary>A <c>Retry-After</c> value sent with every scripted failure, when set.</summary>
    public string? RetryAfter { get; set; }

    /// <summary>The callback URL the backend would send for process instance 42 and <paramref name="taskId"/>.</summary>
    public string CallbackUrl(string taskId) => new Uri(Address, $"v1.0/tasks/42/{taskId}/callback").ToString();

    /// <summary>Starts on <paramref name="port"/> (0: any free one); answers follow <paramref name="answers"/>, then 200 completed.</summary>
    public static async Task<CallbackListener> StartAsync(int port = 0, params (int Status, string Body)[] answers)
    {
        var listener = new CallbackListener(new ConcurrentQueue<(int, string)>(answers));
        listener._server = await LoopbackServer.StartAsync(app => app.MapMethods("/v1.0/tasks/{instance}/{task}/callback", ["PUT"], async (HttpContext http) =>
        {
            using var reader = new StreamReader(http.Request.Body);
            listener.Received.Enqueue(new ReceivedCallback(
                http.Request.Method, http.Request.Path, http.Request.ContentType,
                http.Request.Headers.Authorization.ToString(), http.Request.Headers["SpiffWorkflow-Api-Key"].ToString(),
                await reader.ReadToEndAsync()));
            var (status, body) = listener._script.TryDequeue(out var next) ? next : (200, """{"ok":true,"status":"completed"}""");
            if (status >= 300 && listener.RetryAfter is { } retryAfter)
                http.Response.Headers.RetryAfter = retryAfter;
            if (status is >= 300 and < 400 && listener.Location is { } location)
                http.Response.Headers.Location = location;
            return Results.Text(body, "application/json", statusCode: status);
        }), port);
        return listener;
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}

/// <summary>One request the callback listener received.</summary>
public sealed record ReceivedCallback(string Method, string Path, string? ContentType, string Authorization, string ApiKey, string Body);
