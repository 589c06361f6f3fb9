using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace Switchboard.Host.Hosting;

/// <summary>Serilog to the console, one line per event: readable text by default, compact JSON with <c>Switchboard:Log:Format=json</c>.</summary>
internal static class LoggingSetup
{
    private const string TextTemplate =
        "{Timestamp:HH:mm:ss.fff} {Level:u3} {SourceContext} {Message:lj}{Error:l}{NewLine}";

    public static void AddSwitchboardLogging(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection("Switchboard:Log");
        var level = Enum.TryParse<LogEventLevel>(section["Level"], ignoreCase: true, out var parsed) ? parsed : LogEventLevel.Information;
        var json = string.Equals(section["Format"], "json", StringComparison.OrdinalIgnoreCase);
        builder.Services.AddSerilog(configuration =>
        {
            configuration
                .MinimumLevel.Is(level)
                .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
                .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Information)
                .Enrich.FromLogContext();
            if (json)
                configuration.WriteTo.Console(new RenderedCompactJsonFormatter());
            else
                configuration.Enrich.With<ExceptionSummaryEnricher>().WriteTo.Console(outputTemplate: TextTemplate);
        });
    }
}
