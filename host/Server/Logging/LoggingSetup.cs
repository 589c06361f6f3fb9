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
        // preserveStaticLogger: each host keeps its own logger; two hosts in one process (tests, an application composing
        // its own) must not write through whichever set the static Log.Logger last.
        builder.Services.AddSerilog(configuration => Configure(configuration, section, output), preserveStaticLogger: true);
    }

    /// <summary>The host's logging pipeline from its <c>Switchboard:Log</c> section, written to <paramref name="output"/> (the console when null).</summary>
    public static LoggerConfiguration Configure(LoggerConfiguration configuration, IConfiguration section, TextWriter? output = null)
    {
        var level = Enum.TryParse<LogEventLevel>(section["Level"], ignoreCase: true, out var parsed) ? parsed : LogEventLevel.Information;
        var json = string.Equals(section["Format"], "json", StringComparison.OrdinalIgnoreCase);
        var maxLength = int.TryParse(section["MaxValueLength"], out var max) && max >= 20 ? max : LogValueSanitizer.DefaultMaxLength;
        var requestScope = bool.TryParse(section["RequestScope"], out var scoped) && scoped;
        configuration
            .MinimumLevel.Is(level)
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Information)
            .Enrich.FromLogContext();
        // While this category logs at all, ASP.NET Core gives every request an Activity and a log scope (RequestId,
        // RequestPath, the trace id) for the lines logged while it is served: 1-2 µs of CPU on each request, a few per
        // cent of a CSP call, whether a line is logged or not. Off unless asked for; its per-request lines (Information)
        // were never shown under the Microsoft override anyway. With traces exported the request's span is still made.
        if (!requestScope)
            configuration.MinimumLevel.Override("Microsoft.AspNetCore.Hosting.Diagnostics", LevelAlias.Off);
        if (!json)
            configuration.Enrich.With<ExceptionSummaryEnricher>();
        // Last, so it also sees what the enrichers above added (the exception summary carries outside text too).
        configuration.Enrich.With(new LogValueSanitizer(maxLength));
        if (output is not null)
            return configuration.WriteTo.Sink(new TextWriterSink(json ? new RenderedCompactJsonFormatter() : new MessageTemplateTextFormatter(TextTemplate), output));
        return json
            ? configuration.WriteTo.Console(new RenderedCompactJsonFormatter())
            : configuration.WriteTo.Console(outputTemplate: TextTemplate);
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
}
