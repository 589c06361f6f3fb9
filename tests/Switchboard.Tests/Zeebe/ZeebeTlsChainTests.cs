using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Switchboard.Tests.Infrastructure;
using Switchboard.ZeebeTestGateway;

namespace Switchboard.Tests.Zeebe;

/// <summary>A gateway whose certificate comes from an intermediate CA under the operator's root, sending the intermediate
/// with it, as most organisations' PKI issues server certificates.</summary>
public sealed class ZeebeTlsChainTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("switchboard-tls-chain-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static CertificateRequest Authority(string name, ECDsa key)
    {
        var request = new CertificateRequest(name, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request;
    }

    // root → intermediate → leaf for localhost, the leaf with its private key.
    private static (X509Certificate2 Root, X509Certificate2 Intermediate, X509Certificate2 Leaf) Chain()
    {
        var (from, to) = (DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(1));
        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var root = Authority("CN=Switchboard Test Root", rootKey).CreateSelfSigned(from, to);

        using var intermediateKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var issued = Authority("CN=Switchboard Test Intermediate", intermediateKey).Create(root, from, to, [5, 6, 7, 8]);
        var intermediate = issued.CopyWithPrivateKey(intermediateKey);

        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var leafRequest = new CertificateRequest("CN=localhost", leafKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        leafRequest.CertificateExtensions.Add(names.Build());
        leafRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var leafIssued = leafRequest.Create(intermediate, from.AddMinutes(1), to.AddMinutes(-1), [9, 10, 11, 12]);
        var leaf = X509CertificateLoader.LoadPkcs12(leafIssued.CopyWithPrivateKey(leafKey).Export(X509ContentType.Pkcs12), null);
        return (root, X509CertificateLoader.LoadCertificate(intermediate.RawData), leaf);
    }

    [Fact]
    public async Task A_gateway_certificate_from_an_intermediate_CA_it_sends_is_trusted_with_only_the_root_configured()
    {
        var (root, intermediate, leaf) = Chain();
        var caPath = Path.Combine(_folder, "root.pem");
        await File.WriteAllTextAsync(caPath, root.ExportCertificatePem());
        await using var server = await TestGatewayServer.StartAsync(certificate: leaf, intermediates: [intermediate]);
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.ShippedPlugin("Calculator"));

        await using var host = await RunningHost.StartAsync(sandbox.Directory, $"Switchboard:Zeebe:Address=localhost:{server.Port}",
            "Switchboard:Zeebe:CaCertificatePath=" + caPath, "Switchboard:Zeebe:PollInterval=00:00:00.050", "Switchboard:Zeebe:RequestTimeout=00:00:01");

        var job = await server.Gateway.FinishedAsync(server.Gateway.CreateJob("io.switchboard:calculator:1", """{"action":"add","a":1,"b":1}"""));
        job.State.Should().Be(JobState.Completed, "the chain leaf → intermediate (sent by the gateway) → root (configured) is whole");
    }
}
