using System.Globalization;
using System.Text;
using Serilog.Core;
using Serilog.Events;
using Switchboard.Core.Outcomes;

namespace Switchboard.Host.Logging;

/// <summary>Escapes control and format characters in every logged text value and caps its length.</summary>
/// <remarks>
/// Values in log events come from outside (method names, URLs, headers, plugin messages). A raw line break in
/// one would forge a log line in the text format, and a 100 KB value would drown the log; a format character
/// (Unicode category Cf: the bidi overrides and isolates U+202A–202E and U+2066–2069, the zero-width U+200B–200F,
/// U+FEFF, the invisible tag characters) would make a line read otherwise than it is written, or hide part of it.
/// Escaping here, once, covers every logger in the process, the plugins' included.
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
            // A dictionary's keys and values and a structure's fields are text from outside as much as a plain value:
            // a plugin logging a dictionary of headers, or an object it was sent.
            case DictionaryValue dictionary:
                var entries = dictionary.Elements
                    .Select(e => (Key: Sanitize(e.Key) as ScalarValue, Value: Sanitize(e.Value), Entry: e)).ToList();
                return entries.All(e => e.Key is null && e.Value is null) ? null
                    : new DictionaryValue(entries.Select(e => new KeyValuePair<ScalarValue, LogEventPropertyValue>(e.Key ?? e.Entry.Key, e.Value ?? e.Entry.Value)));
            case StructureValue structure:
                var fields = structure.Properties.Select(p => Sanitize(p.Value)).ToList();
                var typeTag = structure.TypeTag is { } tag && NeedsWork(tag) ? Escape(tag, maxLength) : structure.TypeTag;
                return fields.All(f => f is null) && ReferenceEquals(typeTag, structure.TypeTag) ? null
                    : new StructureValue(structure.Properties.Select((p, i) => new LogEventProperty(SafeName(p.Name), fields[i] ?? p.Value)), typeTag);
            default:
                return null;
        }
    }

    // A structure's field names come from the logged object's type, a plugin's: escaped and capped as values are. A
    // name Serilog refuses (empty) cannot come from a type, but is kept valid all the same.
    private string SafeName(string name)
    {
        var safe = NeedsWork(name) ? Escape(name, maxLength) : name;
        return safe.Length == 0 ? "_" : safe;
    }

    private bool NeedsWork(string text) => text.Length > maxLength || text.EnumerateRunes().Any(EscapedText.IsUnsafe);

    /// <inheritdoc cref="EscapedText.Of"/>
    public static string Escape(string text, int max, bool keepLineBreaks = false) => EscapedText.Of(text, max, keepLineBreaks);
}
