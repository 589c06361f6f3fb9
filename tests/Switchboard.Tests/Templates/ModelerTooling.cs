using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Templates;

/// <summary>Camunda Modeler's own tooling from npm: the element-template validator
/// (<c>@bpmn-io/element-templates-validator</c>) and the linter (<c>@camunda/linting</c>, bundled for node with
/// esbuild, since it ships for bundlers only). What the Modeler exports for an element a template is applied to comes
/// from the Modeler itself: <see cref="ModelerInBrowser"/>.</summary>
public static class ModelerTooling
{
    public const string Validator = "@bpmn-io/element-templates-validator@2.26.0";
    public const string Linting = "@camunda/linting@3.57.0";
    public const string Esbuild = "esbuild@0.28.2";

    /// <summary>The validator's errors per template (empty when valid).</summary>
    public static async Task<Dictionary<string, List<string>>> ValidateAsync(IEnumerable<JsonNode> templates)
    {
        var folder = Folder();
        var files = new Dictionary<string, string>();
        foreach (var template in templates)
        {
            var file = Path.Combine(folder, $"{files.Count}.json");
            await File.WriteAllTextAsync(file, template.ToJsonString());
            files[file] = $"{template["id"]} v{template["version"]}";
        }
        var results = await RunAsync("validate", await NpmPackage.InstallAsync(Validator), files.Keys);
        return results.ToDictionary(r => files[r.Key], r => r.Value);
    }

    /// <summary>The linter's errors per diagram, each linted for the version it declares.</summary>
    public static async Task<Dictionary<string, List<string>>> LintAsync(IReadOnlyDictionary<string, XDocument> diagrams)
    {
        var folder = Folder();
        var files = new Dictionary<string, string>();
        foreach (var (name, diagram) in diagrams)
        {
            var file = Path.Combine(folder, $"{files.Count}.bpmn");
            diagram.Save(file);
            files[file] = name;
        }
        var results = await RunAsync("lint", await LintingBundleAsync(), files.Keys);
        return results.ToDictionary(r => files[r.Key], r => r.Value);
    }

    private static async Task<string> LintingBundleAsync()
    {
        var linting = await NpmPackage.InstallAsync(Linting);
        var bundle = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(linting)!)!)!, "linting.cjs");
        if (File.Exists(bundle))
            return bundle;
        var esbuild = Path.Combine(await NpmPackage.InstallAsync(Esbuild), "bin", "esbuild");
        await RunProcessAsync(esbuild, [Path.Combine(linting, "index.js"), "--bundle", "--platform=node", "--format=cjs", "--log-level=error", "--outfile=" + bundle + ".tmp"]);
        File.Move(bundle + ".tmp", bundle, overwrite: true);
        return bundle;
    }

    private static async Task<Dictionary<string, List<string>>> RunAsync(string mode, string tool, IEnumerable<string> files)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "Templates", "modeler-tooling.cjs");
        var output = await RunProcessAsync("node", [script, mode, tool, .. files]);
        return JsonNode.Parse(output)!.AsObject().ToDictionary(r => r.Key, r => r.Value!.AsArray().Select(e => (string)e!).ToList());
    }

    private static async Task<string> RunProcessAsync(string program, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start) ?? throw new InvalidOperationException(program + " could not be started");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{program} failed ({process.ExitCode}): {await stderr}");
        return await stdout;
    }

    private static string Folder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "switchboard-tests", "modeler-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>The Camunda 8 minor versions a template's <c>engines.camunda</c> range (<c>^8.N</c>) claims, up to 8.8.</summary>
    public static IEnumerable<string> ClaimedVersions(JsonObject template)
    {
        var range = (string)template["engines"]!["camunda"]!;
        range.Should().MatchRegex(@"^\^8\.\d+$", "our templates claim a caret range of Camunda 8");
        var lowest = int.Parse(range[3..]);
        return Enumerable.Range(lowest, Math.Max(1, 9 - lowest)).Select(minor => $"8.{minor}");
    }
}
