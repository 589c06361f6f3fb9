namespace Switchboard.Host.Protocols;

/// <summary>Text from outside (a gateway's error, a plugin's failure message, an event's outcome) as the host's status
/// endpoints show it, <c>GET /health</c> and <c>GET /inbound</c>.</summary>
/// <remarks>Both answer anyone, and such a text can run to megabytes: it is cut to what says what is wrong, when it is
/// kept, so that neither the answers nor what the host holds for them grow with it.</remarks>
internal static class StatusText
{
    /// <summary>The most characters of one text a status endpoint shows.</summary>
    public const int MaxLength = 500;

    /// <summary><paramref name="text"/>, cut to <see cref="MaxLength"/> characters with an ellipsis when longer.</summary>
    public static string? Cut(string? text) => text is { Length: > MaxLength } ? text[..MaxLength] + "…" : text;
}
