using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Templates;

/// <summary>The Camunda Modeler's own modeling core (<c>bpmn-js</c>, <c>bpmn-js-element-templates</c>, the Zeebe
/// behaviours from <c>camunda-bpmn-js-behaviors</c>, all from npm at pinned versions) in Debian's headless Chromium:
/// applies an element template to an element as choosing it in the Modeler does, types values into its fields as
/// the properties panel sets them, and exports the diagram. What our tests lint and run is what the Modeler writes,
/// not our reading of how it writes.</summary>
public sealed class ModelerInBrowser : IAsyncDisposable
{
    public const string ElementTemplates = "bpmn-js-element-templates@2.37.0";
    // The element-templates package's peers, pinned: npm would otherwise pick their newest versions.
    private static readonly string[] Peers = ["bpmn-js@18.31.1", "zeebe-bpmn-moddle@2.0.0", "camunda-bpmn-js-behaviors@1.18.0",
        "bpmn-js-properties-panel@5.65.3", "@bpmn-io/properties-panel@3.55.0", "diagram-js@15.28.1"];

    private static readonly Lazy<Task<string>> Bundle = new(BundleAsync);

    private readonly HeadlessBrowser _browser;

    private ModelerInBrowser(HeadlessBrowser browser) => _browser = browser;

    /// <summary>Installs the packages and bundles the page once per checkout, then starts a browser with the Modeler loaded.</summary>
    public static async Task<ModelerInBrowser> StartAsync()
    {
        var bundle = await Bundle.Value;
        var browser = await HeadlessBrowser.StartAsync();
        try
        {
            await browser.AddScriptAsync(bundle);
            return new ModelerInBrowser(browser);
        }
        catch
        {
            await browser.DisposeAsync();
            throw;
        }
    }

    /// <summary>The diagram the Modeler exports after <paramref name="template"/> is applied to an element of its type
    /// (id <c>task</c>, in the smallest process the linter accepts) in a diagram for Camunda <paramref name="version"/>
    /// (e.g. <c>8.8</c>), with <paramref name="values"/> (by property id) typed into the fields in the template's order,
    /// each only if its field shows by then; <paramref name="bound"/> the same by the field's binding name or key (older
    /// templates' fields have no id); then, if given, <paramref name="updateTo"/> (a newer version of the template)
    /// applied over it as the Modeler's "Update template" does. With <paramref name="fillRequired"/>, each required
    /// field that shows and got no value is filled as a user would: the first choice, a number, a text.</summary>
    public async Task<XDocument> ApplyAsync(JsonObject template, string version, IReadOnlyDictionary<string, string>? values = null, JsonObject? updateTo = null,
        IReadOnlyDictionary<string, string>? bound = null, bool fillRequired = false)
    {
        var ids = template["properties"]!.AsArray().Select(p => (string?)p!["id"]).ToHashSet();
        if (values?.Keys.Where(id => !ids.Contains(id)).ToList() is { Count: > 0 } unknown)
            throw new InvalidOperationException($"{template["id"]} v{template["version"]} has no field {string.Join(", ", unknown)}");
        var argument = new JsonObject
        {
            ["template"] = template.DeepClone(),
            ["version"] = version,
            ["values"] = new JsonObject((values ?? new Dictionary<string, string>()).Select(v => KeyValuePair.Create(v.Key, (JsonNode?)v.Value))),
            ["updateTo"] = updateTo?.DeepClone(),
            ["fillRequired"] = fillRequired,
            ["bound"] = new JsonObject((bound ?? new Dictionary<string, string>()).Select(v => KeyValuePair.Create(v.Key, (JsonNode?)v.Value))),
        };
        var result = JsonNode.Parse(await _browser.CallAsync("applyTemplate", argument))!;
        if (result["error"] is { } error)
            throw new InvalidOperationException($"the Modeler could not apply {template["id"]} v{template["version"]}: {error}");
        var skipped = result["skipped"]!.AsArray().Select(s => (string)s!).ToList();
        if (skipped.Count > 0)
            throw new InvalidOperationException($"fields that do not show for {template["id"]} with these values cannot be typed into: {string.Join(", ", skipped)}");
        return XDocument.Parse((string)result["xml"]!);
    }

    private static async Task<string> BundleAsync()
    {
        var package = await NpmPackage.InstallAsync(ElementTemplates, Peers);
        // package is <prefix>/node_modules/bpmn-js-element-templates: the bundle sits in the prefix, beside node_modules.
        var prefix = Path.GetDirectoryName(Path.GetDirectoryName(package))!;
        var bundle = Path.Combine(prefix, "modeler-page.js");
        var page = Path.Combine(AppContext.BaseDirectory, "Templates", "modeler-page.mjs");
        if (File.Exists(bundle) && File.GetLastWriteTimeUtc(bundle) >= File.GetLastWriteTimeUtc(page))
            return bundle;
        var esbuild = await NpmPackage.InstallAsync(ModelerTooling.Esbuild);
        var script = Path.Combine(AppContext.BaseDirectory, "Templates", "modeler-bundle.mjs");
        var start = new ProcessStartInfo("node", [script, prefix, esbuild, page, bundle + ".tmp"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var node = Process.Start(start) ?? throw new InvalidOperationException("node could not be started");
        var stderr = node.StandardError.ReadToEndAsync();
        var stdout = node.StandardOutput.ReadToEndAsync();
        await node.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        if (node.ExitCode != 0)
            throw new InvalidOperationException($"bundling the Modeler failed ({node.ExitCode}): {await stderr}{await stdout}");
        File.Move(bundle + ".tmp", bundle, overwrite: true);
        return bundle;
    }

    public ValueTask DisposeAsync() => _browser.DisposeAsync();
}
