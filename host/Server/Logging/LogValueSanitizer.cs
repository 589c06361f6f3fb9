using System.Text;
using Serilog.Core;
using Serilog.Events;

namespace Switchboard.Host.Logging;

/// <summary>Escapes control characters in every logged text value and caps its length.</summary>
/// <remarks>
/// Values in log events come from outside (method names, URLs, headers, plugin messages). A raw line break in
/// one would forge a log line in the text format, and a 100 KB value would drown the log; escaping here, once,
/// covers every logger in the process, the plugins' included.
/// </remarks>
internal sealed class LogValueSanitizer(int maxLength) : ILogEventEnricher
{
    /// <summary>The cap used when configuration names none.</summary>
    public const int DefaultMaxLength = 500;

    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        List<LogEventProperty>? replaced = null;
        foreach (var (name, value) in logEvent.Properties)
        {
            if (Sanitize(value) is { } safe)
                (replaced ??= []).Add(new LogEventProperty(name, safe));
        }
        foreach (var property in replaced ?? [])
            logEvent.AddOrUpdateProperty(property);
    }

    /// <summary>The value with its text made safe, or null when it already was.</summary>
    private LogEventPropertyValue? Sanitize(LogEventPropertyValue value)
    {
        switch (value)
        {
            case ScalarValue { Value: string text } when NeedsWork(text):
                return new ScalarValue(Escape(text, maxLength));
            case SequenceValue sequence:
                var items = sequence.Elements.Select(Sanitize).ToList();
                return items.All(i => i is null) ? null
                    : new SequenceValue(sequence.Elements.Select((e, i) => items[i] ?? e));
            default:
                return null;
        }
    }

    private bool NeedsWork(string text) => text.Length > maxLength || text.Any(IsUnsafe);

    private static bool IsUnsafe(char c) => char.IsControl(c) || c is '\u2028' or '\u2029';

    /// <summary>Control characters as C-style escapes, then at most <paramref name="max"/> characters and a marker saying how many were cut.</summary>
    public static string Escape(string text, int max)
    {
        var builder = new StringBuilder(Math.Min(text.Length, max) + 32);
        var taken = 0;
        for (; taken < text.Length && builder.Length < max; taken++)
        {
            var c = text[taken];
            switch (c)
            {
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                case '\0': builder.Append("\\0"); break;
                default:
                    if (IsUnsafe(c))
                        builder.Append("\\u").Append(((int)c).ToString("x4"));
                    else
                        builder.Append(c);
                    break;
            }
        }
        if (taken < text.Length)
            builder.Append("…[").Append(text.Length - taken).Append(" more characters]");
        return builder.ToString();
    }
}
