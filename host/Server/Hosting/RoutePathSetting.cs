namespace Switchboard.Host.Hosting;

/// <summary>The rule for a setting that names a route's path (<c>Switchboard:Dashboard:Path</c>,
/// <c>Switchboard:Telemetry:MetricsPath</c>): one rule and one message for every such setting.</summary>
internal static class RoutePathSetting
{
    // Characters a route template gives a meaning to, or a URL path cannot hold.
    private static readonly char[] NotInPath = ['{', '}', '*', '?', '#', '\\'];

    /// <summary>Why <paramref name="path"/> cannot be the path <paramref name="setting"/> names; null when it can.</summary>
    public static string? Problem(string setting, string? path, string example) =>
        path is { Length: > 1 } && path[0] == '/' && path.IndexOfAny(NotInPath) < 0 && !path.Any(char.IsWhiteSpace)
            ? null
            : $"{setting} must be a path such as {example}, starting with '/' and without spaces, '{{', '}}', '*', '?', '#' or '\\', " +
              $"not '{Logging.LogValueSanitizer.Escape(path ?? "", 100)}'";
}
