using System.Text.Json;
using System.Text.Json.Nodes;
using Switchboard.Core.Binding;
using Switchboard.Core.Describing;
using Switchboard.Core.Outcomes;

namespace Switchboard.Core.Invoking;

/// <summary>The first half of one call: pick the operation and bind and validate the input, or say why the call cannot start.</summary>
internal static class CallBinder
{
    // Handed to the binder for an input with no secret fields, where nothing is ever added: a set that refuses
    // additions, so a binder that did add would fail loudly in tests instead of masking nothing.
    private static readonly ISet<string> NoSecrets = System.Collections.Immutable.ImmutableHashSet<string>.Empty;

    /// <summary>Binds <paramref name="input"/> for <paramref name="operation"/> of <paramref name="connector"/> into <paramref name="call"/>; the error when it fails.</summary>
    /// <param name="connector">The connector the call is for.</param>
    /// <param name="operation">The operation id; may be empty for a connector with one operation.</param>
    /// <param name="input">The call's input as JSON.</param>
    /// <param name="knownSecrets">Values the caller substituted into the input (e.g. resolved secrets), masked like secret parameters.</param>
    /// <param name="call">The bound call, when binding succeeded.</param>
    /// <remarks>Binding runs plugin code (constructors, setters, validators): the caller runs this inside the plugin's
    /// load context and turns what it throws into <see cref="ConnectorFailure.BeforeRun"/>.</remarks>
    public static InvocationError? Bind(ConnectorDefinition connector, string? operation, JsonObject? input, IEnumerable<string> knownSecrets, out BoundCall? call) =>
        Bind(connector, operation, InputBinder.ToElement(input), knownSecrets, out call);

    /// <summary>Binds <paramref name="input"/>, the element a protocol parsed, as <see cref="Bind(ConnectorDefinition, string?, JsonObject?, IEnumerable{string}, out BoundCall?)"/>
    /// binds nodes; an undefined element binds as an empty object.</summary>
    public static InvocationError? Bind(ConnectorDefinition connector, string? operation, JsonElement input, IEnumerable<string> knownSecrets, out BoundCall? call)
    {
        call = null;
        var metadata = connector.Metadata;
        var chosen = metadata.FindOperation(operation);
        if (chosen is null)
        {
            var named = operation is null ? null : EscapedText.Quote(operation);
            var known = string.Join(", ", metadata.Operations.Select(o => o.Id));
            var message = metadata.Operations is [{ Id: "" }]
                ? $"connector '{metadata.Type}' has no operation '{named}'; it has one operation, without a name: leave the operation out"
                : string.IsNullOrEmpty(operation)
                    ? $"connector '{metadata.Type}' needs an operation: one of {known}"
                    : $"connector '{metadata.Type}' has no operation '{named}'; it has: {known}";
            return new InvocationError(ErrorKind.UnknownOperation, "OperationNotFound", message, Retryable: false);
        }

        var invoker = connector.Invokers[chosen.Id];
        // Most calls substitute no secrets into an input that has no secret fields: they make no set and share one masker.
        var secrets = knownSecrets is IReadOnlyCollection<string> { Count: 0 } && !invoker.Input.HoldsSecrets
            ? null
            : new HashSet<string>(knownSecrets, StringComparer.Ordinal);
        var errors = new List<FieldError>();
        object bound;
        try
        {
            bound = InputBinder.Bind(input, invoker.Input, errors, secrets ?? NoSecrets);
            InputValidator.Validate(bound, invoker.Input, errors);
        }
        catch (Exception e) when (secrets is { Count: > 0 })
        {
            // Plugin code (a validator parsing a secret field, say) threw with a message that may quote a secret it was
            // given: masked with the secrets bound so far, as everything else the call answers is.
            return ConnectorFailure.BeforeRun(e, new SecretMasker(secrets));
        }
        var masker = secrets is null or { Count: 0 } ? SecretMasker.None : new SecretMasker(secrets);
        if (errors.Count > 0)
            return ConnectorFailure.InvalidParameters(errors, masker);
        call = new BoundCall(chosen, invoker, bound, masker);
        return null;
    }
}
