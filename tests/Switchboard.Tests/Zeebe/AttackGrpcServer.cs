using System.Net;
using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Switchboard.Tests.Zeebe;

/// <summary>A gRPC server on loopback serving one gateway service instance with options of its own (a cluster with a smaller
/// maxMessageSize, a hostile gateway), for the attack tests.</summary>
internal sealed class AttackGrpcServer(WebApplication app, int port) : IAsyncDisposable
{
    public string Address => $"127.0.0.1:{port}";

    public static async Task<AttackGrpcServer> StartAsync<TService>(TService service, Action<GrpcServiceOptions>? configure = null)
        where TService : class
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        ListenOptions? grpc = null;
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, o =>
        {
            grpc = o;
            o.Protocols = HttpProtocols.Http2;
        }));
        builder.Services.AddGrpc(o =>
        {
            o.ResponseCompressionAlgorithm = null;
            configure?.Invoke(o);
        });
        builder.Services.AddSingleton(service);
        var app = builder.Build();
        app.MapGrpcService<TService>();
        await app.StartAsync();
        return new AttackGrpcServer(app, ((IPEndPoint)grpc!.EndPoint).Port);
    }

    public async ValueTask DisposeAsync()
    {
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        await app.StopAsync(grace.Token);
        await app.DisposeAsync();
    }
}
