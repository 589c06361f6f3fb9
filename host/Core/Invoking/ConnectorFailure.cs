using Switchboard.Core.Outcomes;
using System.ComponentModel.DataAnnotations;
using Switchboard.Abstractions;
using Switchboard.Core.Binding;

namespace Switchboard.Core.Invoking;

/// <summary>How a failed call becomes an <see cref="InvocationError"/>: one rule for the host and the author test kit (which compiles this file in).</summary>
internal static class ConnectorFailure
{
    /// <summary>Input that failed binding or validation: every field named, never retried.</summary>
    public static InvocationError InvalidParameters(IEnumerable<FieldError> errors, SecretMasker masker)
    {
        // The field too: a path holds map keys, and a key may be a secret substituted into the input.
        var masked = errors.Select(e => e with { Field = masker.Apply(e.Field), Message = masker.Apply(e.Message) }).ToList();
        return new InvocationError(ErrorKind.InvalidInput, "InvalidParameters",
            "invalid parameters: " + string.Join("; ", masked.Select(e => $"{e.Field} {e.Message}")), Retryable: false)
        { FieldErrors = masked };
    }

    /// <summary>What the connector threw: input errors never retry, its own errors keep their flags, anything else may be retried.</summary>
    public static InvocationError From(Exception exception, OutputWriter writer, SecretMasker masker) => exception switch
    {
        ConnectorInputException e => new InvocationError(ErrorKind.InvalidInput, Code(e.Code, masker), masker.Apply(e.Message), Retryable: false)
        {
            Data = masker.Apply(writer.Write(e.Details)),
            FieldErrors = e.Field is null ? [] : [new FieldError(masker.Apply(e.Field), masker.Apply(e.Message))],
        },
        ConnectorException e => new InvocationError(ErrorKind.ConnectorError, Code(e.Code, masker), masker.Apply(e.Message), e.Retryable)
        {
            Data = masker.Apply(writer.Write(e.Details)),
            Retries = e.Retries,
            RetryBackoff = e.RetryBackoff,
            StatusCode = e.StatusCode is >= 400 and <= 599 ? e.StatusCode : null,
        },
        // The same input would give the same output again: retrying cannot help.
        OutputException e => new InvocationError(ErrorKind.ConnectorError, Code(e.Code, masker), masker.Apply(e.Message), Retryable: false),
        ValidationException e => new InvocationError(ErrorKind.InvalidInput, "InvalidParameters", masker.Apply(e.Message), Retryable: false),
        _ => new InvocationError(ErrorKind.Internal, "ConnectorFailed", masker.Apply($"{exception.GetType().Name}: {exception.Message}"), Retryable: true),
    };

    /// <summary>The longest error code a connector's error keeps: a code is an identifier that protocols, logs and metric
    /// labels repeat, not a message.</summary>
    public const int MaxCodeLength = 128;

    // A connector's code may be made of its input (a secret included): masked as its message is, then cut, never in
    // the middle of a surrogate pair.
    private static string Code(string code, SecretMasker masker)
    {
        var masked = masker.Apply(code);
        if (masked.Length <= MaxCodeLength)
            return masked;
        return masked[..(char.IsHighSurrogate(masked[MaxCodeLength - 1]) ? MaxCodeLength - 1 : MaxCodeLength)];
    }

    /// <summary>Binding runs plugin code (constructors, property setters, validators): their failures are the connector's, and not retried.</summary>
    public static InvocationError BeforeRun(Exception exception, SecretMasker? masker = null) =>
        new(ErrorKind.Internal, "ConnectorFailed", (masker ?? SecretMasker.None).Apply($"{exception.GetType().Name}: {exception.Message}"), Retryable: false);

    /// <summary>A call that outlived its timeout.</summary>
    public static InvocationError Timeout(string connectorType, TimeSpan timeout) =>
        new(ErrorKind.Timeout, "Timeout", $"connector '{connectorType}' did not finish within {SecondsText.Of(timeout)}", Retryable: true);
}
