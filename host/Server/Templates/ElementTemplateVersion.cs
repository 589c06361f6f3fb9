using Switchboard.Host.Catalog;

namespace Switchboard.Host.Templates;

/// <summary>A template's <c>version</c>: it moves with the connector's contract version (the type's <c>:N</c>), with
/// its plugin's version and with the revision of this host's template generator, so every change an author ships with
/// a version bump, and every change a newer host makes to the templates it generates, is a newer template, which the
/// Modeler offers as an update; two builds of one plugin never give different templates under one id and version.</summary>
/// <remarks>
/// <c>contract × 100,000,000 + major × 1,000,000 + minor × 10,000 + patch × 100 + generator revision</c>, the middle
/// parts from the plugin's version (its <c>&lt;Version&gt;</c>, as the assembly's informational version carries it):
/// plugin 1.2.3 of <c>io.example:thing:1</c> under generator revision 1 is template version 101,020,301. Each plugin
/// version part and the revision count up to 99; contracts up to 20 (the largest that fits a template's integer
/// version), a larger one counts as 20.
/// </remarks>
internal static class ElementTemplateVersion
{
    /// <summary>The revision of the templates this host generates: raise it with every change to what
    /// <see cref="ElementTemplateBuilder"/> or <see cref="InboundElementTemplateBuilder"/> writes for the same metadata
    /// (a test holds a digest of the fixture templates per revision, and fails until both are updated).</summary>
    /// <remarks>Without it, a host upgrade that changed the generated templates gave another template under the id and
    /// version the older host had given: the Modeler offered no update and refused the second file of it.</remarks>
    public const int GeneratorRevision = 2;

    public static int Of(int contractVersion, string? pluginVersion) => Of(contractVersion, pluginVersion, GeneratorRevision);

    /// <summary>The version under a given generator revision.</summary>
    public static int Of(int contractVersion, string? pluginVersion, int generatorRevision)
    {
        var version = Version.TryParse(pluginVersion?.Split('-', '+')[0], out var parsed) ? parsed : new Version(0, 0, 0);
        static int Part(int value) => Math.Clamp(value, 0, 99);
        return Math.Clamp(contractVersion, 0, 20) * 100_000_000 + Part(version.Major) * 1_000_000 + Part(version.Minor) * 10_000
               + Part(Math.Max(version.Build, 0)) * 100 + Part(generatorRevision);
    }

    /// <summary>The version of a template of <paramref name="plugin"/>'s connector with contract <paramref name="contractVersion"/>.</summary>
    public static int Of(PluginCatalog catalog, string plugin, int contractVersion) =>
        Of(contractVersion, catalog.Plugins.FirstOrDefault(p => p.Name == plugin)?.Version);
}
