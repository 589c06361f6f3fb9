using System.Globalization;
using Serilog;
using Serilog.Events;
using Serilog.Core;
using Serilog.Formatting;
using Serilog.Formatting.Compact;
using Serilog.Formatting.Display;

namespace Switchboard.Host.Logging;

/// <summary>Serilog to the console, one line per event: readable text by default, compact JSON with <c>Switchboard:Log:Format=json</c>.</summary>
internal static class LoggingSetup
{
    private const string TextTemplate =
        "{Timestamp:HH:mm:ss.fff} {Level:u3} {SourceContext} {Message:lj}{" + ExceptionSummaryEnricher.PropertyName + ":l}{NewLine}";

    public static void AddSwitchboardLogging(this WebApplicationBuilder builder, TextWriter? output = null)
    {
        var section = builder.Configuration.GetSection("Switchboard:Log");
        // Read now, so a setting that cannot work stops the host at once, before anything is logged with defaults.
        Read(section);
        // preserveStaticLogger: each host keeps its own logger; two hosts in one process (tests, an application composing
        // its own) must not write through whichever set the static Log.Logger last.
        builder.Services.AddSerilog(configuration => Configure(configuration, section, output), preserveStaticLogger: true);
    }

    /// <summary>The most events waiting for the console; more are dropped while it is held up.</summary>
    public const int MaxQueuedEvents = 10_000;

    /// <summary>The most items of one logged sequence or dictionary that are taken and written.</summary>
    public const int MaxLoggedItems = 100;

    /// <summary>The host's logging pipeline from its <c>Switchboard:Log</c> section, written to <paramref name="output"/> (the console when null).</summary>
    public static LoggerConfiguration Configure(LoggerConfiguration configuration, IConfiguration section, TextWriter? output = null)
    {
        var (level, json, maxLength, requestScope) = Read(section);
        configuration
            .MinimumLevel.Is(level)
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Information)
            .Enrich.FromLogContext()
            // A logged sequence is text from outside too (a plugin logging a list it was answered with, or one it produces
            // lazily, without end): Serilog takes every item unless told otherwise.
            .Destructure.ToMaximumCollectionCount(MaxLoggedItems);
        // While this category logs at all, ASP.NET Core gives every request an Activity and a log scope (RequestId,
        // RequestPath, the trace id) for the lines logged while it is served: 1-2 µs of CPU on each request, a few per
        // cent of a CSP call, whether a line is logged or not. Off unless asked for; its per-request lines (Information)
        // were never shown under the Microsoft override anyway. With traces exported the request's span is still made.
        if (!requestScope)
            configuration.MinimumLevel.Override("Microsoft.AspNetCore.Hosting.Diagnostics", LevelAlias.Off);
        if (!json)
            configuration.Enrich.With(new ExceptionSummaryEnricher(maxLength));
        // Last, so it also sees what the enrichers above added (the exception summary, escaped and capped by itself, is not text it cuts).
        configuration.Enrich.With(new LogValueSanitizer(maxLength));
        ITextFormatter formatter = json
            ? new CappedExceptionFormatter(new RenderedCompactJsonFormatter(), maxLength)
            : new MessageTemplateTextFormatter(TextTemplate, CultureInfo.InvariantCulture);
        if (output is not null)
            return configuration.WriteTo.Sink(new TextWriterSink(formatter, output));
        // Text through the console sink's own template, which colours it on a terminal; numbers as the JSON form writes
        // them, whatever culture plugin code makes the process's default. The console is written from a thread of its
        // own: System.Console's writer is locked by whoever writes, plugin code included, and a plugin holding it (or a
        // reader of the host's output that stops reading) held up every thread that logged, so calls that failed were
        // never answered. Past MaxQueuedEvents waiting, events are dropped rather than the host held up.
        return configuration.WriteTo.Async(console =>
        {
            if (json)
                console.Console(formatter);
            else
                console.Console(outputTemplate: TextTemplate, formatProvider: CultureInfo.InvariantCulture);
        }, bufferSize: MaxQueuedEvents, blockWhenFull: false);
    }

    /// <summary>Writes formatted events to a writer the caller owns (the console sink writes only to the console).</summary>
    private sealed class TextWriterSink(ITextFormatter formatter, TextWriter output) : ILogEventSink
    {
        public void Emit(LogEvent logEvent)
        {
            lock (output)
                formatter.Format(logEvent, output);
        }
    }

    /// <summary>The section's settings; a value that is none of those a setting takes stops the host, naming it, instead
    /// of falling back to the default unseen (<c>Level=Debg</c> would otherwise log at Information and say nothing).</summary>
    /// <exception cref="Hosting.StartupProblem">A setting has a value it cannot take.</exception>
    private static (LogEventLevel Level, bool Json, int MaxLength, bool RequestScope) Read(IConfiguration section)
    {
        const string prefix = "Switchboard:Log:";
        var problems = new List<string>();
        var level = LogEventLevel.Information;
        if (section["Level"] is { Length: > 0 } levelText && !TryLevel(levelText, out level))
            problems.Add($"{prefix}Level must be Verbose, Debug, Information, Warning, Error or Fatal, not '{levelText}'");
        var json = false;
        if (section["Format"] is { Length: > 0 } format)
        {
            json = string.Equals(format, "json", StringComparison.OrdinalIgnoreCase);
            if (!json && !string.Equals(format, "text", StringComparison.OrdinalIgnoreCase))
                problems.Add($"{prefix}Format must be text or json, not '{format}'");
        }
        var maxLength = LogValueSanitizer.DefaultMaxLength;
        if (section["MaxValueLength"] is { Length: > 0 } lengthText && (!int.TryParse(lengthText, out maxLength) || maxLength < 20))
            problems.Add($"{prefix}MaxValueLength must be a whole number of characters, at least 20, not '{lengthText}'");
        var requestScope = false;
        if (section["RequestScope"] is { Length: > 0 } scopeText && !bool.TryParse(scopeText, out requestScope))
            problems.Add($"{prefix}RequestScope must be true or false, not '{scopeText}'");
        if (problems.Count > 0)
            throw new Hosting.StartupProblem(string.Join("; ", problems));
        return (level, json, maxLength, requestScope);
    }

    // Serilog's level names, and the two of Microsoft's that differ from them (Trace, Critical), which operators used to
    // Microsoft.Extensions.Logging write as well. Numbers are not levels here.
    private static bool TryLevel(string text, out LogEventLevel level)
    {
        level = LogEventLevel.Information;
        if (string.Equals(text, "Trace", StringComparison.OrdinalIgnoreCase))
            level = LogEventLevel.Verbose;
        else if (string.Equals(text, "Critical", StringComparison.OrdinalIgnoreCase))
            level = LogEventLevel.Fatal;
        else if (text.Any(char.IsDigit) || !Enum.TryParse(text, ignoreCase: true, out level))
            return false;
        return true;
    }
}
