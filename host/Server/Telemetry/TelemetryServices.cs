using Switchboard.Host.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Switchboard.Host.Telemetry;

/// <summary>OpenTelemetry for the host: its meter (and ASP.NET Core's request spans, so a call's span is parented on
/// the incoming <c>traceparent</c>) exported to Prometheus and, when configured, OTLP.</summary>
internal static class TelemetryServices
{
    public static void AddSwitchboardTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var options = new TelemetryOptions();
        SettingsBinding.Bind(configuration.GetSection(TelemetryOptions.Section), options);
        // An empty path turned the metrics off, and one without its '/' moved them elsewhere, without a word.
        if (options.Prometheus && RoutePathSetting.Problem(TelemetryOptions.Section + ":MetricsPath", options.MetricsPath, "/metrics") is { } path)
            throw new StartupProblem($"{path}; {TelemetryOptions.Section}:Prometheus=false turns the metrics off");
        services.AddSingleton(options);
        services.AddHostedService<TracePropagation>();
        var otlp = options.Otlp && new[] { "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT" }
            .Any(name => !string.IsNullOrEmpty(configuration[name]));
        if (!options.Prometheus && !otlp)
            return;
        var telemetry = services.AddOpenTelemetry().ConfigureResource(resource => resource.AddService("switchboard"));
        telemetry.WithMetrics(metrics =>
        {
            // The host's own meter and the per-protocol ones (Switchboard.Csp, Switchboard.Spiff: callbacks and asynchronous calls),
            // and the runtime's own (System.Runtime: collections and their pauses, heap, thread pool, exceptions, CPU), which
            // tell an operator whether a slow call was the connector or the process it runs in.
            metrics.AddMeter(SwitchboardTelemetry.Name, SwitchboardTelemetry.Name + ".*", "System.Runtime");
            if (options.Prometheus)
                metrics.AddPrometheusExporter();
            if (otlp)
                metrics.AddOtlpExporter();
        });
        // Spans cost a little on every request: only made when something exports them.
        if (otlp)
            telemetry.WithTracing(tracing => tracing.AddSource(SwitchboardTelemetry.Name, "Microsoft.AspNetCore", "System.Net.Http").AddOtlpExporter());
    }

    public static void MapSwitchboardTelemetry(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<TelemetryOptions>();
        if (options.Prometheus)
            app.MapPrometheusScrapingEndpoint(options.MetricsPath);
    }
}
