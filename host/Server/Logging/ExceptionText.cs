using System.Text;

namespace Switchboard.Host.Logging;

/// <summary>An exception as the log writes it: each exception's type, message and stack, inner exceptions included, in
/// .NET's own layout, with messages capped and every character escaped as any value from outside, and the whole capped.</summary>
/// <remarks>
/// A connector's exceptions are plugin code's text: a message of megabytes, line breaks that would forge log lines,
/// characters that reorder a line. <see cref="Exception.ToString"/> writes all of it whole, so the log renders the
/// exception itself. Reading <c>Message</c> and <c>StackTrace</c> runs plugin code too (both are virtual): one that
/// throws is written as such instead of losing the event.
/// </remarks>
internal static class ExceptionText
{
    /// <summary>The most characters one exception takes in a log line, stack traces included.</summary>
    public const int MaxLength = 32_768;

    // Beyond these an exception chain is a plugin's doing, not a diagnosis: an AggregateException of thousands.
    private const int MaxDepth = 8;
    private const int MaxInner = 8;

    /// <summary>The exception as one text; line breaks escaped too when <paramref name="escapeLineBreaks"/> (the text
    /// format's one line per event), kept when the writer escapes them itself (JSON).</summary>
    public static string Render(Exception exception, int maxMessageLength, bool escapeLineBreaks)
    {
        var text = new StringBuilder();
        Append(text, exception, maxMessageLength, depth: 0);
        return LogValueSanitizer.Escape(text.ToString(), MaxLength, keepLineBreaks: !escapeLineBreaks);
    }

    private static void Append(StringBuilder text, Exception exception, int maxMessageLength, int depth)
    {
        text.Append(exception.GetType().FullName).Append(": ").Append(Cut(Read(() => exception.Message), maxMessageLength));
        IReadOnlyList<Exception> inner = exception is AggregateException aggregate ? aggregate.InnerExceptions
            : exception.InnerException is { } one ? [one] : [];
        if (depth < MaxDepth)
        {
            for (var i = 0; i < Math.Min(inner.Count, MaxInner); i++)
            {
                text.Append("\n ---> ");
                if (exception is AggregateException)
                    text.Append("(Inner Exception #").Append(i).Append(") ");
                Append(text, inner[i], maxMessageLength, depth + 1);
                text.Append("\n   --- End of inner exception stack trace ---");
            }
            if (inner.Count > MaxInner)
                text.Append("\n ---> (").Append(inner.Count - MaxInner).Append(" more inner exceptions)");
        }
        else if (inner.Count > 0)
            text.Append("\n ---> (inner exceptions nested deeper than ").Append(MaxDepth).Append(')');
        if (Read(() => exception.StackTrace) is { Length: > 0 } stack)
            text.Append('\n').Append(stack);
    }

    private static string Read(Func<string?> property)
    {
        try
        {
            return property() ?? "";
        }
        catch (Exception e)
        {
            return $"(could not be read: {e.GetType().FullName})";
        }
    }

    private static string Cut(string text, int max)
    {
        if (text.Length <= max)
            return text;
        // Not between the two halves of a surrogate pair.
        var keep = char.IsHighSurrogate(text[max - 1]) ? max - 1 : max;
        return text[..keep] + "…[" + (text.Length - keep) + " more characters]";
    }
}
