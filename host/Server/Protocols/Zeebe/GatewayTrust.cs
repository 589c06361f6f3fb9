using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Switchboard.Host.Protocols.Zeebe;

/// <summary>Trusts the gateway's certificate when it chains to a CA the operator named, as self-managed clusters with their own CA need.</summary>
internal static class GatewayTrust
{
    /// <summary>A validation callback trusting <paramref name="caPath"/> (PEM or DER) besides nothing else; the host name must still match.</summary>
    public static RemoteCertificateValidationCallback For(string caPath)
    {
        var authority = LoadAuthority(caPath);
        return (_, certificate, presented, errors) =>
        {
            if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch) || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
                return false;
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(authority);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            // The intermediates the gateway sent with its certificate: without them one issued by an intermediate CA has
            // no path to the configured root.
            if (presented is not null)
            {
                chain.ChainPolicy.ExtraStore.AddRange(presented.ChainPolicy.ExtraStore);
                foreach (var element in presented.ChainElements)
                    chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
            return chain.Build(certificate as X509Certificate2 ?? new X509Certificate2(certificate));
        };
    }

    /// <summary>The CA certificate at <paramref name="caPath"/>; a clear error naming the setting when it cannot be read
    /// (checked with the other options at start, so a bad path stops the host with one line).</summary>
    public static X509Certificate2 LoadAuthority(string caPath)
    {
        try
        {
            // A named pipe there would hold the loader's open, and the host's start, for good.
            RegularFile.Require(caPath);
            return X509CertificateLoader.LoadCertificateFromFile(caPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new InvalidOperationException($"Switchboard:Zeebe:CaCertificatePath (or ZEEBE_CA_CERTIFICATE_PATH) '{caPath}' is not a readable certificate: {e.Message}");
        }
    }
}
