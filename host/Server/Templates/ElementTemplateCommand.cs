using System.Text.Json;
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
        var outDirectory = Path.GetFullPath(rest[outIndex + 1]);
        var settings = rest.Where((_, i) => i != outIndex && i != outIndex + 1)
            .Append("--Switchboard:Catalog:Watch=false").ToArray();

        // The same builder as a normal run, so plugins folder, configuration and logging match; only Kestrel is never started.
        await using var app = SwitchboardApp.Create(settings);
        var catalog = app.Services.GetRequiredService<PluginCatalog>();
        await catalog.StartAsync();
        try
        {
            Directory.CreateDirectory(outDirectory);
            var templates = ElementTemplates.All(catalog).ToList();
            var ids = templates.GroupBy(t => (string)t["id"]!).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet();
            foreach (var template in templates)
            {
                var id = (string)template["id"]!;
                // Two versions of one connector share an id (Modeler tells them apart by version), not a file.
                var name = ids.Contains(id) ? $"{id}-v{(int)template["version"]!}" : id;
                var path = Path.Combine(outDirectory, ElementTemplateIds.FileName(name));
                await File.WriteAllTextAsync(path, template.ToJsonString(Indented) + Environment.NewLine);
                Console.WriteLine(path);
            }
            return 0;
        }
        finally
        {
            await catalog.StopAsync();
        }
    }
}
