namespace Switchboard.Core;

/// <summary>Why a call failed, in the terms each adapter maps to its protocol's error form.</summary>
public enum ErrorKind
{
    /// <summary>No loaded connector has the requested type.</summary>
    UnknownConnector,

    /// <summary>The connector has no such operation.</summary>
    UnknownOperation,

    /// <summary>The input failed binding or validation, or the connector rejected it: retrying cannot help.</summary>
    InvalidInput,

    /// <summary>The connector raised an error of its own.</summary>
    ConnectorError,

    /// <summary>The call ran longer than its timeout.</summary>
    Timeout,

    /// <summary>The caller or the host cancelled the call.</summary>
    Cancelled,

    /// <summary>The connector failed unexpectedly (an unhandled exception).</summary>
    Internal,

    /// <summary>The connector already runs and queues as many calls as it is allowed: try again later.</summary>
    Busy,
}
