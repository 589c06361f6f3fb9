using Switchboard.Core;
using Switchboard.Core.Invoking;
using Switchboard.Host.Invocation;

namespace Switchboard.Host.Protocols.Spiff;

/// <summary>Maps pipeline errors onto the statuses the backend acts on: 4xx is permanent, 5xx and 429 are retried.</summary>
internal static class SpiffOutcomeMapper
{
    /// <summary>Error code of a proxy-level 404 for an id no loaded connector serves.</summary>
    public const string CommandNotFound = "command_not_found";

    /// <summary>The envelope's failure for <paramref name="error"/>.</summary>
    public static SpiffFailure ToFailure(InvocationError error) => error.Kind switch
    {
        ErrorKind.UnknownConnector or ErrorKind.UnknownOperation => new SpiffFailure(404, CommandNotFound, error.Message),
        // Binding failures ("InvalidParameters") and ConnectorInputException codes alike: the same input fails again.
        ErrorKind.InvalidInput => new SpiffFailure(400, error.Code, error.Message) { Fields = error.FieldErrors, Data = error.Data },
        // 422, not 400: the request was understood, the connector refused it for good (the backend words 400 as "not understood").
        // A status the connector named (an upstream's 404 or 502) is passed on; its class still says permanent or transient.
        ErrorKind.ConnectorError => new SpiffFailure(error.StatusCode ?? (error.Retryable ? 503 : 422), error.Code, error.Message) { Data = error.Data },
        ErrorKind.Timeout => new SpiffFailure(504, error.Code, error.Message),
        ErrorKind.Cancelled or ErrorKind.Busy => new SpiffFailure(503, error.Code, error.Message),
        _ => new SpiffFailure(500, error.Code, error.Message),
    };

    /// <summary>The HTTP status of the answer itself: 404 when the command is unknown, else 200 with the failure in the envelope.</summary>
    public static int ResponseStatus(SpiffFailure failure) => failure.Code == CommandNotFound ? 404 : 200;
}
