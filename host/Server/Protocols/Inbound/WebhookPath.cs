namespace Switchboard.Host.Protocols.Inbound;

/// <summary>What an activation's <c>inbound.context</c> may be: one segment of the path <c>/inbound/{context}</c>, the
/// only form the webhook route serves.</summary>
/// <remarks>A context such as <c>a/b</c> or <c>..</c> was accepted and listed as served at a path that answered 404.</remarks>
internal static class WebhookPath
{
    private static readonly char[] NotInSegment = ['/', '\\', '?', '#'];

    /// <summary>Why <paramref name="context"/> cannot be a webhook path; null when it can.</summary>
    public static string? Problem(string context) =>
        context is "" or "." or ".." || context.IndexOfAny(NotInSegment) >= 0
            ? $"inbound.context '{Logging.LogValueSanitizer.Escape(context, 200)}' cannot be a webhook path: it must be one path segment, without '/', '\\', '?' or '#', and not '.' or '..'"
            : null;

    /// <summary><paramref name="id"/> made into one path segment, for a context that defaults to an activation's id.</summary>
    public static string Of(string id)
    {
        var segment = string.Concat(id.Select(c => Array.IndexOf(NotInSegment, c) >= 0 || c == ':' ? '-' : c));
        return segment is "." or ".." ? segment.Replace('.', '-') : segment;
    }
}
