namespace Switchboard.Abstractions;

/// <summary>The protocol a call arrived on.</summary>
public enum Protocol
{
    /// <summary>Called in-process, e.g. from a test.</summary>
    InProcess = 0,

    /// <summary>A Zeebe job activated over the gateway gRPC API.</summary>
    Zeebe = 1,

    /// <summary>A JSON-RPC call over the Connector Server Protocol.</summary>
    Csp = 2,

    /// <summary>A SpiffWorkflow connector-proxy command.</summary>
    Spiff = 3,
}
