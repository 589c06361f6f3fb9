using System.Text.Json;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Switchboard.Host.Protocols.Zeebe.Gateway;

namespace Switchboard.Benchmarks;

/// <summary>The webhook baseline of the same shape: bare Kestrel that reads the JSON body, publishes one message to the
/// same gateway with the generated gRPC client (key and variables taken by hand, no FEEL, no plugin, no pipeline) and
/// answers fixed bytes. The ratio to it is what the inbound adapter adds to the publish a webhook needs anyway.</summary>
internal sealed class PublishingEndpoint : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly GrpcChannel _channel;

    private PublishingEndpoint(WebApplication app, GrpcChannel channel, Uri url)
    {
        _app = app;
        _channel = channel;
        Url = url;
    }

    public Uri Url { get; }

    public static async Task<PublishingEndpoint> StartAsync(string path, byte[] answer, string gatewayAddress, string messageName)
    {
        var channel = GrpcChannel.ForAddress("http://" + gatewayAddress);
        var gateway = new Gateway.GatewayClient(channel);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost(path, async (HttpContext http) =>
        {
            using var body = await JsonDocument.ParseAsync(http.Request.Body);
            var root = body.RootElement;
            await gateway.PublishMessageAsync(new PublishMessageRequest
            {
                Name = messageName,
                CorrelationKey = root.GetProperty("orderId").GetString(),
                MessageId = Guid.NewGuid().ToString(),
                TimeToLive = 3_600_000,
                Variables = JsonSerializer.Serialize(new { amount = root.GetProperty("amount").GetDecimal() }),
            });
            http.Response.ContentType = "application/json";
            http.Response.ContentLength = answer.Length;
            await http.Response.Body.WriteAsync(answer);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new PublishingEndpoint(app, channel, new Uri(new Uri(address), path));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _channel.Dispose();
    }
}
