using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Switchboard.Abstractions;

namespace Switchboard.Plugins.Http.CamundaRest;

/// <summary>Connection pools for requests with mutual TLS: one per client certificate and trusted CA, since a TLS connection belongs to the certificate it was opened with and must never carry another's
/// request. A few are kept for reuse; past that a pool serves one request and is closed.</summary>
internal sealed class ClientTlsHandlers : IDisposable
{
    private const int Kept = 16;

    private readonly ConcurrentDictionary<string, SocketsHttpHandler> _handlers = new(StringComparer.Ordinal);

    /// <summary>The pool for <paramref name="tls"/>; <paramref name="owned"/> when the caller must dispose it after the request.</summary>
    public SocketsHttpHandler For(RestClientTls tls, out bool owned)
    {
        var key = Key(tls);
        owned = false;
        if (_handlers.TryGetValue(key, out var kept))
            return kept;
        var handler = Create(tls);
        if (_handlers.Count >= Kept)
        {
            owned = true;
            return handler;
        }
        if (_handlers.TryAdd(key, handler))
            return handler;
        handler.Dispose();
        return _handlers[key];
    }

    private static SocketsHttpHandler Create(RestClientTls tls)
    {
        var handler = ConnectTimeoutHandler.Create();
        if (!string.IsNullOrWhiteSpace(tls.ClientCertificate) || !string.IsNullOrWhiteSpace(tls.ClientPrivateKey))
            handler.SslOptions.ClientCertificates = [ClientCertificate(tls)];
        if (!string.IsNullOrWhiteSpace(tls.TrustedCertificate))
        {
            var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
            policy.CustomTrustStore.Add(Pem(tls.TrustedCertificate, "clientTls.trustedCertificate"));
            handler.SslOptions.CertificateChainPolicy = policy;
        }
        return handler;
    }

    private static X509Certificate2 ClientCertificate(RestClientTls tls)
    {
        if (string.IsNullOrWhiteSpace(tls.ClientCertificate) || string.IsNullOrWhiteSpace(tls.ClientPrivateKey))
            throw new ConnectorInputException("InvalidClientTls", "clientTls: a client certificate needs both clientCertificate and clientPrivateKey")
                { Field = string.IsNullOrWhiteSpace(tls.ClientCertificate) ? "clientTls.clientCertificate" : "clientTls.clientPrivateKey" };
        try
        {
            return string.IsNullOrEmpty(tls.PrivateKeyPassword)
                ? X509Certificate2.CreateFromPem(tls.ClientCertificate, tls.ClientPrivateKey)
                : X509Certificate2.CreateFromEncryptedPem(tls.ClientCertificate, tls.ClientPrivateKey, tls.PrivateKeyPassword);
        }
        catch (CryptographicException e)
        {
            // The reason names the format problem, never the key's content.
            throw new ConnectorInputException("InvalidClientTls", $"clientTls: the client certificate and key cannot be read as PEM ({e.Message})")
                { Field = "clientTls.clientPrivateKey" };
        }
    }

    private static X509Certificate2 Pem(string pem, string field)
    {
        try
        {
            return X509Certificate2.CreateFromPem(pem);
        }
        catch (CryptographicException e)
        {
            throw new ConnectorInputException("InvalidClientTls", $"{field}: not a PEM certificate ({e.Message})") { Field = field };
        }
    }

    // A digest, so the cache holds no key material as its key.
    private static string Key(RestClientTls tls) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(
        string.Join('\0', tls.ClientCertificate, tls.ClientPrivateKey, tls.PrivateKeyPassword, tls.TrustedCertificate))));

    public void Dispose()
    {
        foreach (var handler in _handlers.Values)
            handler.Dispose();
        _handlers.Clear();
    }
}
