namespace Switchboard.Host.Protocols.Zeebe.Secrets;

/// <summary>Secrets from environment variables named with a prefix: <c>secrets.API_KEY</c> reads <c>SECRET_API_KEY</c>, as Camunda's runtime does.</summary>
internal sealed class EnvironmentSecretProvider(string prefix) : ISecretProvider
{
    public string? Find(string name) => Environment.GetEnvironmentVariable(prefix + name) is { Length: > 0 } value ? value : null;
}
