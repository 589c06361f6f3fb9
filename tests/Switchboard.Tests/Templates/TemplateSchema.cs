using System.Diagnostics;
using System.Text.Json.Nodes;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Templates;

/// <summary>Validates element templates against Camunda's official JSON Schema (npm, fetched at test time) with ajv, the validator Camunda's own tooling uses.</summary>
public static class TemplateSchema
{
    public const string SchemaPackage = "@camunda/zeebe-element-templates-json-schema@0.46.0";
    public const string AjvPackage = "ajv@8.17.1";

    // strict:false because the schema carries annotations ajv does not know (deprecationWarning); allErrors to see every problem at once.
    private const string Script = """
        const Ajv = require(process.argv[2]);
        const fs = require('fs');
        const ajv = new Ajv({ strict: false, allErrors: true });
        const validate = ajv.compile(JSON.parse(fs.readFileSync(process.argv[3], 'utf8')));
        const results = {};
        for (const file of process.argv.slice(4)) {
          const valid = validate(JSON.parse(fs.readFileSync(file, 'utf8')));
          results[file] = valid ? [] : validate.errors.map(e => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
        }
        console.log(JSON.stringify(results));
        """;

    /// <summary>Validates each file; returns the schema errors per file (empty when valid).</summary>
    public static async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> ValidateAsync(IEnumerable<string> files)
    {
        var schema = Path.Combine(await NpmPackage.InstallAsync(SchemaPackage), "resources", "schema.json");
        var ajv = await NpmPackage.InstallAsync(AjvPackage);
        var script = Path.Combine(Path.GetTempPath(), $"switchboard-validate-{Guid.NewGuid():N}.js");
        await File.WriteAllTextAsync(script, Script);
        try
        {
            var start = new ProcessStartInfo("node", [script, ajv, schema, .. files])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var node = Process.Start(start)!;
            var stdout = node.StandardOutput.ReadToEndAsync();
            var stderr = node.StandardError.ReadToEndAsync();
            await node.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
            node.ExitCode.Should().Be(0, await stderr);
            var results = JsonNode.Parse(await stdout)!.AsObject();
            return results.ToDictionary(r => r.Key, r => (IReadOnlyList<string>)r.Value!.AsArray().Select(e => (string)e!).ToList());
        }
        finally
        {
            File.Delete(script);
        }
    }

    /// <summary>Writes templates to a throw-away folder and validates them.</summary>
    public static async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> ValidateAsync(IEnumerable<JsonNode> templates)
    {
        var folder = Path.Combine(Path.GetTempPath(), "switchboard-tests", "templates-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        try
        {
            var files = new List<string>();
            foreach (var template in templates)
            {
                var file = Path.Combine(folder, $"{files.Count}.json");
                await File.WriteAllTextAsync(file, template.ToJsonString());
                files.Add(file);
            }
            return await ValidateAsync(files);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
