using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Switchboard.ZeebeTestGateway;

/// <summary>The test gateway served over gRPC (HTTP/2 cleartext, gzip accepted) on a loopback port.</summary>
public sealed class TestGatewayServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestGatewayServer(WebApplication app, TestGateway gateway, int port, int restPort)
    {
        _app = app;
        Gateway = gateway;
        Port = port;
        RestPort = restPort;
    }

    /// <summary>The port of the orchestration cluster REST API (HTTP/1.1): process definitions and their XML.</summary>
    public int RestPort { get; }

    /// <summary>The REST API's base address, as users write CAMUNDA_REST_ADDRESS.</summary>
    public string RestAddress => $"http://127.0.0.1:{RestPort}";

    public TestGateway Gateway { get; }
    public int Port { get; }

    /// <summary>The address to give the host: <c>127.0.0.1:port</c>, as users write ZEEBE_ADDRESS.</summary>
    public string Address => $"127.0.0.1:{Port}";

    /// <summary>Starts on <paramref name="port"/> (0: any free one); with <paramref name="certificate"/> it speaks TLS (HTTP/2 by ALPN),
    /// sending the <paramref name="intermediates"/> with its certificate, as a server with a certificate from an intermediate CA does.</summary>
    public static async Task<TestGatewayServer> StartAsync(TestGateway? gateway = null, int port = 0, X509Certificate2? certificate = null,
        X509Certificate2Collection? intermediates = null)
    {
        gateway ??= new TestGateway();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        // Both bound by Kestrel itself (port 0: the system picks); a port found free beforehand could be taken by a
        // parallel test before Kestrel binds it ("address already in use" in CI).
        ListenOptions? grpc = null, rest = null;
        builder.WebHost.ConfigureKestrel(k =>
        {
            // A write completes only once the connection took its bytes: a job stream counts what it holds unsent itself,
            // as the real gateway's readiness does (TestGateway.Streams.cs), with nothing more hidden in Kestrel's buffer.
            k.Limits.MaxResponseBufferSize = 0;
            k.Listen(IPAddress.Loopback, port, o =>
            {
                grpc = o;
                o.Protocols = HttpProtocols.Http2;
                if (certificate is not null)
                    o.UseHttps(new Microsoft.AspNetCore.Server.Kestrel.Https.HttpsConnectionAdapterOptions
                    {
                        ServerCertificate = certificate,
                        ServerCertificateChain = intermediates,
                    });
            });
            k.Listen(IPAddress.Loopback, 0, o =>
            {
                rest = o;
                o.Protocols = HttpProtocols.Http1;
            });
        });
        builder.Services.AddGrpc(o => o.ResponseCompressionAlgorithm = null);
        builder.Services.AddSingleton(gateway);
        var app = builder.Build();
        app.MapGrpcService<TestGateway>();
        TestGatewayRest.Map(app, gateway);
        await app.StartAsync();
        // Kestrel writes the endpoint it bound back into each listen's options.
        return new TestGatewayServer(app, gateway, ((IPEndPoint)grpc!.EndPoint).Port, ((IPEndPoint)rest!.EndPoint).Port);
    }

    /// <summary>Stops at once, cutting open calls as a crashed gateway would; the <see cref="Gateway"/> state survives for a restart.</summary>
    public async Task KillAsync()
    {
        using var now = new CancellationTokenSource();
        await now.CancelAsync();
        await _app.StopAsync(now.Token);
        await _app.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        // Job streams stay open until their worker cancels; give them a moment, then cut them as a gateway going down does.
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        await _app.StopAsync(grace.Token);
        await _app.DisposeAsync();
    }
}
