using System.Net;
using System.Text.Json.Nodes;
using Switchboard.Benchmarks;

// Usage: dotnet run -c Release --project tests/Switchboard.Benchmarks -- [--concurrency 32] [--warmup 3] [--duration 10] [--rounds 3]
var options = args.Select((a, i) => (a, i)).Where(p => p.a.StartsWith("--") && p.i + 1 < args.Length)
    .ToDictionary(p => p.a[2..], p => args[p.i + 1]);
var settings = new LoadSettings(
    int.Parse(options.GetValueOrDefault("concurrency", "32")),
    TimeSpan.FromSeconds(double.Parse(options.GetValueOrDefault("warmup", "3"))),
    TimeSpan.FromSeconds(double.Parse(options.GetValueOrDefault("duration", "10"))));
var plugins = Path.Combine(FindRoot(), "artifacts", "plugins");

Console.WriteLine($"concurrency {settings.Concurrency}, warmup {settings.Warmup.TotalSeconds} s, duration {settings.Duration.TotalSeconds} s, {Environment.ProcessorCount} cores");

// Rounds alternate the two so that neither gains from running later on a warmer, or quieter, machine.
var rounds = int.Parse(options.GetValueOrDefault("rounds", "3"));
var ratios = new List<(double Rps, double P99)>();
for (var round = 1; round <= rounds; round++)
{
    var baseline = await BareAsync(settings);
    var spiff = await SpiffScenario.RunAsync(plugins, settings);
    Console.WriteLine($"round {round}");
    Console.WriteLine("  " + baseline);
    Console.WriteLine("  " + spiff);
    ratios.Add((spiff.RequestsPerSecond / baseline.RequestsPerSecond, spiff.P99Ms / baseline.P99Ms));
}
var median = (double[] values) => values.Order().ElementAt(values.Length / 2);
Console.WriteLine($"median over {rounds} rounds: spiff reaches {median(ratios.Select(r => r.Rps).ToArray()):P0} of bare Kestrel's requests/s, p99 x{median(ratios.Select(r => r.P99).ToArray()):F2}");

static async Task<LoadResult> BareAsync(LoadSettings settings)
{
    var (bare, address) = await BareKestrel.StartAsync();
    try
    {
        return await LoadRunner.RunAsync("bare Kestrel /calculate", new Uri(address, "/calculate"), SpiffScenario.Body,
            (status, text) => status == HttpStatusCode.OK && JsonNode.Parse(text)?["result"]?.GetValue<double>() == 42, settings);
    }
    finally
    {
        await bare.StopAsync();
        await bare.DisposeAsync();
    }
}

static string FindRoot()
{
    for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        if (File.Exists(Path.Combine(directory.FullName, "Plugins.sln")))
            return directory.FullName;
    throw new InvalidOperationException("Plugins.sln not found above " + AppContext.BaseDirectory);
}
