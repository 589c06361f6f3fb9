namespace Switchboard.Host.Protocols;

/// <summary>Text from outside (a gateway's error, a plugin's failure message, an event's outcome) as the host's status
/// endpoints show it, <c>GET /health</c>, <c>GET /inbound</c>, <c>GET /plugins</c> and the dashboard.</summary>
/// <remarks>Both answer anyone, and such a text can run to megabytes: it is cut to what says what is wrong, when it is
/// kept, so that neither the answers nor what the host holds for them grow with it.</remarks>
internal static class StatusText
{
    /// <summary>The most characters of one text a status endpoint shows.</summary>
    public const int MaxLength = 500;

    /// <summary><paramref name="text"/>, cut to <paramref name="max"/> characters with an ellipsis when longer.</summary>
    /// <remarks>Never between the two halves of a surrogate pair: a lone half is not text, and a JSON writer refuses it.</remarks>
    public static string? Cut(string? text, int max = MaxLength)
    {
        if (text is null || text.Length <= max)
            return text;
        var end = char.IsHighSurrogate(text[max - 1]) ? max - 1 : max;
        return text[..end] + "…";
    }
}
