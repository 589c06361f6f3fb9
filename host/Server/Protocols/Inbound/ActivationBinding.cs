using Switchboard.Core.Binding;
using Switchboard.Core.Describing;
using Switchboard.Core.Invoking;
using Switchboard.Host.Catalog;

namespace Switchboard.Host.Protocols.Inbound;

/// <summary>An activation's properties bound to its connector's properties class, with the masker for their secrets.</summary>
/// <param name="Properties">The bound properties, or null when they failed binding or validation.</param>
/// <param name="Masker">Masks the activation's secret values in every message and log line.</param>
/// <param name="Problem">Why the properties could not be bound (each field and its problem), secrets masked.</param>
internal sealed record ActivationBinding(object? Properties, SecretMasker Masker, string? Problem)
{
    /// <summary>Binds and validates <paramref name="activation"/>'s properties as an outbound input is; call it inside
    /// the generation's contextual reflection scope, as the properties class lives in the plugin's load context.</summary>
    public static ActivationBinding Bind(Activation activation, InboundDefinition definition)
    {
        var errors = new List<FieldError>();
        var secrets = new HashSet<string>(StringComparer.Ordinal);
        var properties = InputBinder.Bind(ActivationProperties.ToJson(activation.Properties, definition.Properties), definition.Properties, errors, secrets);
        InputValidator.Validate(properties, definition.Properties, errors);
        var masker = new SecretMasker(secrets.Concat(activation.Secrets));
        return errors.Count == 0
            ? new ActivationBinding(properties, masker, null)
            : new ActivationBinding(null, masker,
                masker.Apply($"activation '{activation.Id}' is misconfigured: " + string.Join("; ", errors.Select(e => $"{e.Field} {e.Message}"))));
    }
}
