using Switchboard.Host.Protocols.Zeebe.Secrets;

namespace Switchboard.Host.Protocols.Inbound;

/// <summary>Puts the secrets an activation's properties name (<c>{{secrets.NAME}}</c>) into them, for activations from
/// configuration and from deployed processes, as a task's activation gets them from its job's variables.</summary>
/// <remarks>The host's own inbound element templates write <c>{{secrets.NAME}}</c> into secret fields (an HMAC secret, a
/// token), as Camunda's do; left as written, the placeholder's text was the key, which anyone who can read the BPMN could
/// sign with. The values used become the activation's <see cref="Activation.Secrets"/>, masked in all it reports. A
/// secret that is not found stays as written, as in job variables.</remarks>
internal static class ActivationSecrets
{
    /// <summary><paramref name="activation"/> with its placeholders replaced, or itself when it names none (or no
    /// secret provider is configured).</summary>
    public static Activation Apply(Activation activation, ISecretProvider? secrets)
    {
        if (secrets is null || !activation.Properties.Values.Any(v => v.Contains("secrets.", StringComparison.Ordinal)))
            return activation;
        var used = new HashSet<string>(activation.Secrets, StringComparer.Ordinal);
        var properties = activation.Properties.ToDictionary(p => p.Key, p => SecretPlaceholders.ReplaceInText(p.Value, secrets, used), StringComparer.Ordinal);
        return activation with { Properties = properties, Secrets = [.. used] };
    }
}
