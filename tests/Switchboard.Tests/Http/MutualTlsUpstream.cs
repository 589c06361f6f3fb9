using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Switchboard.Tests.Http;

/// <summary>An HTTPS upstream on loopback that wants a client certificate (mutual TLS), with a throw-away CA that
/// signed its own certificate and the client's: <c>GET /who</c> answers the client certificate's subject.</summary>
public sealed class MutualTlsUpstream : IAsyncDisposable
{
    private readonly WebApplication _app;

    private MutualTlsUpstream(WebApplication app, Uri address, string caPem, string clientPem, string clientKeyPem)
    {
        _app = app;
        Address = address;
        CaPem = caPem;
        ClientCertificatePem = clientPem;
        ClientKeyPem = clientKeyPem;
    }

    public Uri Address { get; }
    public string CaPem { get; }
    public string ClientCertificatePem { get; }
    public string ClientKeyPem { get; }

    public static async Task<MutualTlsUpstream> StartAsync()
    {
        var now = DateTimeOffset.UtcNow;
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=Switchboard test CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(1));

        var server = Issue(ca, "CN=127.0.0.1", "1.3.6.1.5.5.7.3.1", now, out _, san: true);
        var client = Issue(ca, "CN=Switchboard test client", "1.3.6.1.5.5.7.3.2", now, out var clientKey);
        var expected = client.Thumbprint;

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(https =>
        {
            // Kestrel wants a key it can use on every platform: the issued certificate, re-read with its key.
            https.ServerCertificate = X509CertificateLoader.LoadPkcs12(server.Export(X509ContentType.Pfx), null);
            https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
            https.ClientCertificateValidation = (certificate, _, _) => certificate.Thumbprint == expected;
        })));
        var app = builder.Build();
        app.MapGet("/who", (HttpContext http) => Results.Json(new { subject = http.Connection.ClientCertificate?.Subject }));
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return new MutualTlsUpstream(app, address, ca.ExportCertificatePem(), client.ExportCertificatePem(), clientKey);
    }

    private static X509Certificate2 Issue(X509Certificate2 ca, string subject, string usage, DateTimeOffset now, out string keyPem, bool san = false)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usage)], false));
        if (san)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Loopback);
            names.AddDnsName("localhost");
            request.CertificateExtensions.Add(names.Build());
        }
        using var issued = request.Create(ca, now.AddDays(-1), now.AddDays(1), RandomNumberGenerator.GetBytes(8));
        keyPem = key.ExportPkcs8PrivateKeyPem();
        return issued.CopyWithPrivateKey(key);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
