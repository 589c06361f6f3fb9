using System.Text.Json;
using System.Text.Json.Nodes;
using Switchboard.Host.Catalog;
using Switchboard.Host.Hosting;

namespace Switchboard.Host.Templates;

/// <summary>The <c>templates --out &lt;dir&gt; [--plugins &lt;dir&gt;]</c> verb: loads the plugins, writes one <c>&lt;id&gt;.json</c> per template (one per outbound connector, one per inbound connector and element kind) and exits without serving.</summary>
public static class ElementTemplateCommand
{
    public const string Verb = "templates";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static bool Matches(string[] args) => args.Length > 0 && args[0] == Verb;

    public static async Task<int> RunAsync(string[] args)
    {
        var rest = args[1..];
        var outIndex = Array.IndexOf(rest, "--out");
        if (outIndex < 0 || outIndex == rest.Length - 1)
        {
            await Console.Error.WriteLineAsync("usage: Switchboard.Host templates --out <dir> [--plugins <dir>]");
            return 2;
        }
        string outDirectory;
        try
        {
            outDirectory = Path.GetFullPath(rest[outIndex + 1]);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            await Console.Error.WriteLineAsync($"templates: --out is no usable folder path: {e.Message}");
            return 2;
        }
        var settings = rest.Where((_, i) => i != outIndex && i != outIndex + 1)
            .Append("--Switchboard:Catalog:Watch=false").ToArray();

        // The same builder as a normal run, so plugins folder, configuration and logging match; only Kestrel is never started.
        await using var app = SwitchboardApp.Create(settings);
        var catalog = app.Services.GetRequiredService<PluginCatalog>();
        await catalog.StartAsync();
        try
        {
            var files = FilesFor(ElementTemplates.All(catalog).ToList());
            if (files.GroupBy(f => f.File, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1) is { } clash)
            {
                await Console.Error.WriteLineAsync($"templates: {string.Join(" and ", clash.Select(f => $"'{(string)f.Template["id"]!}' version {(int)f.Template["version"]!}"))} " +
                    $"would be written to one file, {clash.Key}; nothing was written");
                return 1;
            }
            Directory.CreateDirectory(outDirectory);
            foreach (var (template, file) in files)
            {
                var path = Path.Combine(outDirectory, file);
                await File.WriteAllTextAsync(path, template.ToJsonString(Indented) + Environment.NewLine);
                Console.WriteLine(path);
            }
            // The others' templates are written, but the run is not a success: a script or CI job would miss the gap.
            var failed = catalog.Plugins.Where(p => p.State == PluginState.Failed).ToList();
            foreach (var plugin in failed)
                await Console.Error.WriteLineAsync($"templates: plugin {plugin.Name} did not load, so its templates were not written: {plugin.Reason}");
            var withheld = ElementTemplates.Withheld(catalog).ToList();
            foreach (var reason in withheld)
                await Console.Error.WriteLineAsync($"templates: {reason}");
            return failed.Count == 0 && withheld.Count == 0 ? 0 : 1;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            // The operator's folder, not a bug: one line naming it, no stack trace.
            await Console.Error.WriteLineAsync($"templates: cannot write the templates to {outDirectory}: {e.Message}");
            return 1;
        }
        finally
        {
            await catalog.StopAsync();
        }
    }

    /// <summary>The file each template is written to. Two versions of one connector share an id (Modeler tells them
    /// apart by version), not a file; names that differ only in case (one file where case is ignored) are told apart by
    /// a hash of their id.</summary>
    private static List<(JsonObject Template, string File)> FilesFor(List<JsonObject> templates)
    {
        var shared = templates.GroupBy(t => (string)t["id"]!).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet();
        var names = templates.Select(t => (Template: t, Name: shared.Contains((string)t["id"]!) ? $"{(string)t["id"]!}-v{(int)t["version"]!}" : (string)t["id"]!)).ToList();
        var caseClashes = names.GroupBy(n => ElementTemplateIds.FileName(n.Name), StringComparer.OrdinalIgnoreCase)
            .Where(g => g.Count() > 1).SelectMany(g => g.Select(n => n.Name)).ToHashSet(StringComparer.Ordinal);
        return names.Select(n => (n.Template, ElementTemplateIds.FileName(n.Name, hashed: caseClashes.Contains(n.Name)))).ToList();
    }
}
