using Switchboard.Abstractions;
using Switchboard.Core.Binding;

namespace Switchboard.Core.Invoking;

/// <summary>How what an operation returned becomes a successful <see cref="Outcome"/>: one rule for the host and the author test kit (which compiles this file in).</summary>
internal static class ConnectorOutput
{
    /// <summary>Writes <paramref name="result"/> as JSON, unwrapping a <see cref="ConnectorResponse"/> into its body and response facts; secrets masked.</summary>
    public static Outcome ToOutcome(object? result, OutputWriter writer, SecretMasker masker) =>
        result is ConnectorResponse response ? WithResponse(response, writer, masker) : Output(result, null, writer, masker);

    // A call with no secrets keeps its output as the text written: an adapter may send it on without parsing it.
    private static Outcome Output(object? body, ResponseFacts? response, OutputWriter writer, SecretMasker masker) => masker.IsEmpty
        ? Outcome.Success(writer.WriteText(body), response)
        : Outcome.Success(masker.Apply(writer.Write(body)), response);

    // Apart: its lambda captures the masker, and the closure holding it would otherwise be made for every output.
    private static Outcome WithResponse(ConnectorResponse response, OutputWriter writer, SecretMasker masker)
    {
        var headers = response.Headers?.ToDictionary(h => h.Key, h => masker.Apply(h.Value), StringComparer.OrdinalIgnoreCase)
                      ?? new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        return Output(response.Body, new ResponseFacts(response.StatusCode, headers, response.MediaType), writer, masker);
    }
}
