namespace Switchboard.Host.Telemetry;

/// <summary>Which telemetry the host exports (<c>Switchboard:Telemetry</c>).</summary>
public sealed class TelemetryOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string Section = "Switchboard:Telemetry";

    /// <summary>Serve the metrics for Prometheus to scrape at <see cref="MetricsPath"/>.</summary>
    public bool Prometheus { get; set; } = true;

    /// <summary>Where the Prometheus scrape endpoint answers.</summary>
    public string MetricsPath { get; set; } = "/metrics";

    /// <summary>Export traces and metrics over OTLP when the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (or a signal's own
    /// endpoint variable) is set; the exporter reads the other <c>OTEL_*</c> variables itself.</summary>
    public bool Otlp { get; set; } = true;
}
