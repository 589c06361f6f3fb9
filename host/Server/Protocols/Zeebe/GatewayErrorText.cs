using System.Text.RegularExpressions;
using Grpc.Core;
using Switchboard.Host.Logging;

namespace Switchboard.Host.Protocols.Zeebe;

/// <summary>A gateway's error as the host passes it on: to <c>/health</c> (which answers anyone), the log, a failed
/// job's message (shown in Operate) and a webhook's caller.</summary>
/// <remarks>The detail is the gateway's own text, or a proxy's in front of it: one naming the broker it could not reach
/// named the credentials in that URL, and one refusing a request echoed the host's bearer token back. URL user parts and
/// the credential after <c>Bearer</c> or <c>Basic</c> are masked; cutting and escaping stay with whoever shows it.</remarks>
internal static partial class GatewayErrorText
{
    /// <summary>The status code and the masked detail: <c>Unavailable: ...</c>.</summary>
    public static string Of(RpcException e) => $"{e.StatusCode}: {Masked(e.Status.Detail)}";

    /// <summary><paramref name="detail"/> with URL user parts and authorization credentials masked.</summary>
    public static string Masked(string detail) => Credential().Replace(LoggableUrl.InText(detail), "${scheme} ***");

    /// <summary>Whether the gateway refused a request as larger than its message limit: not backpressure, though it
    /// comes as RESOURCE_EXHAUSTED too, so it never passes on another attempt.</summary>
    public static bool IsMessageTooLarge(RpcException e) =>
        e.StatusCode == StatusCode.ResourceExhausted && e.Status.Detail.Contains("maximum configured message size", StringComparison.Ordinal);

    [GeneratedRegex(@"(?<scheme>\b(?:Bearer|Basic))\s+[A-Za-z0-9\-._~+/]+=*", RegexOptions.IgnoreCase)]
    private static partial Regex Credential();
}
