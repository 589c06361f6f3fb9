using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Switchboard.Tests.Spiff;

/// <summary>A stand-in for the backend's callback route: a real Kestrel listener on loopback answering scripted statuses.</summary>
public sealed class CallbackListener : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<(int Status, string Body)> _script;

    private CallbackListener(WebApplication app, ConcurrentQueue<(int, string)> script)
    {
        _app = app;
        _script = script;
    }

    /// <summary>Every request received, in order.</summary>
    public ConcurrentQueue<ReceivedCallback> Received { get; } = new();

    public Uri Address { get; private set; } = null!;

    /// <summary>The callback URL the backend would send for process instance 42 and <paramref name="taskId"/>.</summary>
    public string CallbackUrl(string taskId) => new Uri(Address, $"v1.0/tasks/42/{taskId}/callback").ToString();

    /// <summary>Starts on <paramref name="port"/> (0: any free one); answers follow <paramref name="answers"/>, then 200 completed.</summary>
    public static async Task<CallbackListener> StartAsync(int port = 0, params (int Status, string Body)[] answers)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var listener = new CallbackListener(app, new ConcurrentQueue<(int, string)>(answers));
        app.MapMethods("/v1.0/tasks/{instance}/{task}/callback", ["PUT"], async (HttpContext http) =>
        {
            using var reader = new StreamReader(http.Request.Body);
            listener.Received.Enqueue(new ReceivedCallback(
                http.Request.Method, http.Request.Path, http.Request.ContentType,
                http.Request.Headers.Authorization.ToString(), http.Request.Headers["SpiffWorkflow-Api-Key"].ToString(),
                await reader.ReadToEndAsync()));
            var (status, body) = listener._script.TryDequeue(out var next) ? next : (200, """{"ok":true,"status":"completed"}""");
            return Results.Text(body, "application/json", statusCode: status);
        });
        await app.StartAsync();
        listener.Address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return listener;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>One request the callback listener received.</summary>
public sealed record ReceivedCallback(string Method, string Path, string? ContentType, string Authorization, string ApiKey, string Body);
