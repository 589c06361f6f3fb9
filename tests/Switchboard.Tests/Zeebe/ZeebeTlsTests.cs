using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Host.Protocols.Zeebe;
using Switchboard.Tests.Infrastructure;
using Switchboard.ZeebeTestGateway;

namespace Switchboard.Tests.Zeebe;

/// <summary>A gateway behind TLS with a certificate from the operator's own CA, as self-managed clusters often run.</summary>
public sealed class ZeebeTlsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("switchboard-tls-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static (X509Certificate2 Authority, X509Certificate2 Server) Certificates()
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Switchboard Test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var authority = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest("CN=localhost", serverKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var issued = serverRequest.Create(authority, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(12), [1, 2, 3, 4]);
        var server = X509CertificateLoader.LoadPkcs12(issued.CopyWithPrivateKey(serverKey).Export(X509ContentType.Pkcs12), null);
        return (authority, server);
    }

    [Fact]
    public async Task A_gateway_certificate_from_the_configured_CA_is_trusted_and_one_from_elsewhere_is_not()
    {
        var (authority, certificate) = Certificates();
        var caPath = Path.Combine(_folder, "ca.pem");
        await File.WriteAllTextAsync(caPath, authority.ExportCertificatePem());
        await using var server = await TestGatewayServer.StartAsync(certificate: certificate);
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.ShippedPlugin("Calculator"));
        string[] polling = ["Switchboard:Zeebe:PollInterval=00:00:00.050", "Switchboard:Zeebe:RequestTimeout=00:00:01"];

        await using (var trusting = await RunningHost.StartAsync(sandbox.Directory,
                         [.. polling, $"Switchboard:Zeebe:Address=localhost:{server.Port}", "Switchboard:Zeebe:CaCertificatePath=" + caPath]))
        {
            trusting.Services.GetRequiredService<ZeebeWorkers>().Address!.Scheme.Should().Be("https", "a CA certificate means TLS");
            var job = await server.Gateway.FinishedAsync(server.Gateway.CreateJob("io.switchboard:calculator:1", """{"action":"add","a":1,"b":1}"""));
            job.State.Should().Be(JobState.Completed);
        }

        await using var untrusting = await RunningHost.StartAsync(sandbox.Directory, [.. polling, $"Switchboard:Zeebe:Address=https://localhost:{server.Port}"]);
        var health = await Eventually.WaitFor(async () => System.Text.Json.Nodes.JsonNode.Parse(await untrusting.Http.GetStringAsync("/health"))!["zeebe"]!,
            z => z["state"]!.GetValue<string>() == "retrying", because: "a certificate from an unknown CA is refused");
        health["lastError"]!.GetValue<string>().Should().Contain("SSL");
        var waiting = server.Gateway.CreateJob("io.switchboard:calculator:1", """{"action":"add","a":2,"b":2}""");
        await Task.Delay(500);
        server.Gateway.Job(waiting).Activations.Should().Be(0);
    }

    [Theory]
    [InlineData("missing.pem")]
    [InlineData("not-a-certificate.pem")]
    public async Task An_unreadable_CA_certificate_stops_the_host_at_start_with_the_setting_named(string file)
    {
        var caPath = Path.Combine(_folder, file);
        if (file.StartsWith("not-", StringComparison.Ordinal))
            await File.WriteAllTextAsync(caPath, "this is no certificate");
        using var sandbox = new PluginSandbox();

        var start = () => RunningHost.StartAsync(sandbox.Directory, "Switchboard:Zeebe:Address=localhost:26500", "Switchboard:Zeebe:CaCertificatePath=" + caPath);

        var thrown = await start.Should().ThrowAsync<Exception>();
        var lines = Switchboard.Host.Hosting.StartupProblem.Explain(thrown.Which);
        lines.Should().NotBeNull($"a bad setting is printed as one line, not a stack trace: {thrown.Which}");
        lines.Should().ContainSingle(l => l.Contains("CaCertificatePath") && l.Contains(caPath) && l.Contains("not a readable certificate"));
    }

    [Theory]
    [InlineData(null, "http://gw:26500/")]
    [InlineData(false, "https://gw:26500/")]
    [InlineData(true, "http://gw:26500/")]
    public void The_insecure_flag_picks_plaintext_or_TLS_for_a_bare_address(bool? insecure, string expected)
    {
        ZeebeAddress.Resolve(new ZeebeOptions { Address = "gw", Insecure = insecure })!.ToString().Should().Be(expected);
    }

    [Fact]
    public void A_SaaS_cluster_id_and_region_name_the_clusters_TLS_gateway()
    {
        var configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["CAMUNDA_CLUSTER_ID"] = "abc-123", ["CAMUNDA_CLUSTER_REGION"] = "bru-2" }).Build();

        var options = new ZeebeOptions();
        new ZeebeOptionsSetup(configuration).PostConfigure(null, options);

        ZeebeAddress.Resolve(options)!.ToString().Should().Be("https://abc-123.bru-2.zeebe.camunda.io/");
    }
}
