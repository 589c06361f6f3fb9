using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Feel;

/// <summary>Runs a batch of FEEL cases through feelin (npm), the reference interpreter, in one node process.</summary>
public static class FeelinReference
{
    public const string Version = "feelin@8.2.0";

    /// <summary>One JSON result per case: <c>{"value": ...}</c> or <c>{"error": "..."}</c>.</summary>
    public static async Task<List<JsonObject>> EvaluateAsync(IReadOnlyList<(string Expression, JsonObject Context)> cases)
    {
        var package = await NpmPackage.InstallAsync(Version);
        var input = Path.Combine(Path.GetTempPath(), $"feel-cases-{Guid.NewGuid():N}.json");
        var array = new JsonArray();
        foreach (var (expression, context) in cases)
            array.Add(new JsonObject { ["expression"] = expression, ["context"] = context.DeepClone() });
        await File.WriteAllTextAsync(input, array.ToJsonString());
        try
        {
            var script = Path.Combine(AppContext.BaseDirectory, "Feel", "feelin-runner.mjs");
            var start = new ProcessStartInfo("node", [script, package, input]) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var node = Process.Start(start) ?? throw new InvalidOperationException("node could not be started");
            var stdout = node.StandardOutput.ReadToEndAsync();
            var stderr = node.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            await node.WaitForExitAsync(timeout.Token);
            if (node.ExitCode != 0)
                throw new InvalidOperationException($"feelin runner failed ({node.ExitCode}): {await stderr}");
            var lines = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            if (lines.Length != cases.Count)
                throw new InvalidOperationException($"feelin runner printed {lines.Length} results for {cases.Count} cases: {await stderr}");
            return lines.Select(line => JsonNode.Parse(line)!.AsObject()).ToList();
        }
        finally
        {
            File.Delete(input);
        }
    }

    /// <summary>Same outcome: both failed to parse (messages differ by design), or equal values.</summary>
    public static bool SameOutcome(JsonObject ours, JsonObject theirs) =>
        ours.ContainsKey("error") || theirs.ContainsKey("error")
            ? ours.ContainsKey("error") && theirs.ContainsKey("error")
            : SameJson(ours["value"], theirs["value"]);

    /// <summary>JSON equality with numbers compared by value (feelin computes in doubles, we in decimals).</summary>
    public static bool SameJson(JsonNode? left, JsonNode? right)
    {
        switch (left, right)
        {
            case (null, null):
                return true;
            case (JsonObject a, JsonObject b):
                return a.Count == b.Count && a.All(p => b.ContainsKey(p.Key) && SameJson(p.Value, b[p.Key]));
            case (JsonArray a, JsonArray b):
                return a.Count == b.Count && a.Zip(b).All(p => SameJson(p.First, p.Second));
            case (JsonValue a, JsonValue b) when a.GetValueKind() == JsonValueKind.Number && b.GetValueKind() == JsonValueKind.Number:
                var x = double.Parse(a.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture);
                var y = double.Parse(b.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture);
                return x == y || Math.Abs(x - y) <= 1e-12 * Math.Max(Math.Abs(x), Math.Abs(y));
            case (JsonValue a, JsonValue b):
                return a.GetValueKind() == b.GetValueKind() && a.ToJsonString() == b.ToJsonString();
            default:
                return false;
        }
    }
}
