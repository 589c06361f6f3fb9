using Switchboard.Host.Catalog;

namespace Switchboard.Host.Templates;

/// <summary>A template's <c>version</c>: it moves with the connector's contract version (the type's <c>:N</c>) and with
/// its plugin's version, so every change an author ships with a version bump is a newer template, which the Modeler
/// offers as an update, and two builds of one plugin never give different templates under one id and version.</summary>
/// <remarks>
/// <c>contract × 1,000,000 + major × 10,000 + minor × 100 + patch</c> of the plugin's version (its
/// <c>&lt;Version&gt;</c>, as the assembly's informational version carries it): plugin 1.2.3 of
/// <c>io.example:thing:1</c> is template version 1,010,203. Each plugin version part counts up to 99.
/// </remarks>
internal static class ElementTemplateVersion
{
    public static int Of(int contractVersion, string? pluginVersion)
    {
        var version = Version.TryParse(pluginVersion?.Split('-', '+')[0], out var parsed) ? parsed : new Version(0, 0, 0);
        static int Part(int value) => Math.Clamp(value, 0, 99);
        return Math.Clamp(contractVersion, 0, 2146) * 1_000_000 + Part(version.Major) * 10_000 + Part(version.Minor) * 100 + Part(Math.Max(version.Build, 0));
    }

    /// <summary>The version of a template of <paramref name="plugin"/>'s connector with contract <paramref name="contractVersion"/>.</summary>
    public static int Of(PluginCatalog catalog, string plugin, int contractVersion) =>
        Of(contractVersion, catalog.Plugins.FirstOrDefault(p => p.Name == plugin)?.Version);
}
