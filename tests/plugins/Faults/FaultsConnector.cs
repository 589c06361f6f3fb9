using Switchboard.Abstractions;
using Switchboard.Abstractions.Spiff;

namespace Switchboard.TestPlugins.Faults;

/// <summary>Fails on request, the ways a real connector fails, with a secret in play: protocols must map each failure and never leak the secret.</summary>
[Connector("test.switchboard:faults:1", Name = "Faults"), SpiffCommand("faults/Raise")]
public sealed class FaultsConnector
{
    /// <summary>Raises a connector error with the requested code and retryability; message and details carry the token.</summary>
    [Operation("raise"), SpiffCommand("faults/Raise")]
    public FaultOutput Raise(FaultInput input) =>
        throw new ConnectorException(input.Code, $"{input.Message} (token {input.Token})", input.Retryable,
            new Dictionary<string, object?> { ["attempt"] = 3, ["token"] = input.Token })
        {
            Retries = input.Retries,
            RetryBackoff = input.RetryBackoffSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
        };

    /// <summary>Crashes with an unexpected exception from deeper in the call stack, its message carrying the token.</summary>
    [Operation("crash"), SpiffCommand("faults/Crash")]
    public FaultOutput Crash(FaultInput input) => Backend.Call(input.Token);

    /// <summary>Returns a result holding a NaN deep inside: JSON has no such number.</summary>
    [Operation("nonfinite"), SpiffCommand("faults/NonFinite")]
    public object NonFinite(FaultInput input) => new { summary = new { totals = new[] { 1.5, double.NaN } } };

    private static class Backend
    {
        public static FaultOutput Call(string? token) => throw new InvalidOperationException($"backend refused token {token}");
    }
}

public sealed class FaultInput
{
    public string Code { get; set; } = "BackendUnavailable";
    public string Message { get; set; } = "the backend failed";
    public bool Retryable { get; set; }

    [Secret]
    public string? Token { get; set; }

    /// <summary>Retries the connector asks the job to keep, overriding the protocol's rule.</summary>
    public int? Retries { get; set; }

    /// <summary>Backoff the connector asks for, in seconds.</summary>
    public int? RetryBackoffSeconds { get; set; }
}

public sealed class FaultOutput
{
    public string? Result { get; set; }
}
