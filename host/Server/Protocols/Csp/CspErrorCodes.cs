namespace Switchboard.Host.Protocols.Csp;

/// <summary>The JSON-RPC 2.0 error codes CSP answers with, and their standard messages.</summary>
internal static class CspErrorCodes
{
    public const int ParseError = -32700;
    public const int InvalidRequest = -32600;
    public const int MethodNotFound = -32601;
    public const int InvalidParams = -32602;
    public const int InternalError = -32603;

    /// <summary>A connector's own failure: the first code of the implementation-defined server error range.</summary>
    public const int ConnectorError = -32000;

    /// <summary>Whether JSON-RPC reserves <paramref name="code"/> (-32768 to -32000), so a connector may not claim it.</summary>
    public static bool IsReserved(long code) => code is >= -32768 and <= -32000;

    /// <summary>The stable <c>data.errorCode</c> of a protocol-level error.</summary>
    public static string NameOf(int code) => code switch
    {
        ParseError => "ParseError",
        InvalidRequest => "InvalidRequest",
        MethodNotFound => "MethodNotFound",
        InvalidParams => "InvalidParameters",
        _ => "InternalError",
    };

    public static string MessageOf(int code) => code switch
    {
        ParseError => "Parse error",
        InvalidRequest => "Invalid Request",
        MethodNotFound => "Method not found",
        InvalidParams => "Invalid params",
        _ => "Internal error",
    };
}
