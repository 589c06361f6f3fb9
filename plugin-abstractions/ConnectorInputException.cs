namespace Switchboard.Abstractions;

/// <summary>A failure caused by the call's input: retrying the same input cannot help, so it is never retried.</summary>
public class ConnectorInputException : ConnectorException
{
    /// <summary>Reports an input error with its code and message, e.g. <c>DivisionByZero</c>.</summary>
    public ConnectorInputException(string code, string message, object? details = null)
        : base(code, message, retryable: false, details) { }

    /// <summary>The parameter at fault, if one is.</summary>
    public string? Field { get; init; }
}
