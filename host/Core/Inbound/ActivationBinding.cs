using Switchboard.Core.Binding;
using Switchboard.Core.Describing;
using Switchboard.Core.Invoking;

namespace Switchboard.Core.Inbound;

/// <summary>An activation's properties bound to its connector's properties class, with the masker for their secrets.</summary>
/// <param name="Properties">The bound properties, or null when they failed binding or validation.</param>
/// <param name="Masker">Masks the activation's secret values in every message and log line.</param>
/// <param name="Problem">Why the properties could not be bound (each field and its problem), secrets masked.</param>
internal sealed record ActivationBinding(object? Properties, SecretMasker Masker, string? Problem)
{
    /// <summary>Binds and validates an activation's properties (<paramref name="properties"/>, text as BPMN holds them) as
    /// an outbound input is; <paramref name="secrets"/> are values known to be secret besides the properties marked so
    /// (a task's <c>{{secrets.NAME}}</c>). The host and the author kit both bind with it; call it inside the plugin's
    /// contextual reflection scope, as the properties class lives in the plugin's load context.</summary>
    public static ActivationBinding Bind(string activationId, IReadOnlyDictionary<string, string> properties, IEnumerable<string> secrets,
        InboundDefinition definition)
    {
        var errors = new List<FieldError>();
        var marked = new HashSet<string>(StringComparer.Ordinal);
        var bound = InputBinder.Bind(ActivationProperties.ToJson(properties, definition.Properties), definition.Properties, errors, marked);
        InputValidator.Validate(bound, definition.Properties, errors);
        var masker = new SecretMasker(marked.Concat(secrets));
        return errors.Count == 0
            ? new ActivationBinding(bound, masker, null)
            : new ActivationBinding(null, masker,
                masker.Apply($"activation '{activationId}' is misconfigured: " + string.Join("; ", errors.Select(e => $"{e.Field} {e.Message}"))));
    }
}
