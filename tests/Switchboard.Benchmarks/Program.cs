using System.Globalization;
using System.Runtime.InteropServices;
using Switchboard.Benchmarks;

// dotnet run -c Release --project tests/Switchboard.Benchmarks -- --scenario csp|spiff|webhook [--connections 16] [--warmup 5] [--duration 10] [--rounds 2] [--plugins DIR]
//     [--isolation process [--baseline inprocess]] [--load wrk [--wrk-threads 2] [--wrk-connections 32]] [--floor yes]
// dotnet run -c Release --project tests/Switchboard.Benchmarks -- --scenario catalog
// dotnet run -c Release --project tests/Switchboard.Benchmarks -- --scenario pipeline [--callers 32] [--duration 5] [--rounds 3]   (CPU per call, no HTTP)
// dotnet run -c Release --project tests/Switchboard.Benchmarks -- --scenario alloc   (BenchmarkDotNet, time and allocations per call)
// dotnet run -c Release --project tests/Switchboard.Benchmarks -- --scenario zeebe [--jobs 20000] [--rounds 2] (rounds alternate between the workers, all running at once) [--max-jobs-active 32] [--workers polling,streaming,default,grpc-js,node-sdk] [--rate 0 (jobs/s; 0: all at once)] [--batch-ms 10 (with a rate: how often the jobs due are created)]
//     [--workers polling,streaming,default,grpc-js,node-sdk]
// dotnet run -c Release --project tests/Switchboard.Benchmarks -- --scenario feel [--duration 3] [--rounds 2]
var options = Arguments.Parse(args);
if (options.Text("scenario", "csp") == "feel")
{
    FeelScenario.Run(options.Int("duration", 3), options.Int("rounds", 2));
    return 0;
}
if (options.Text("scenario", "csp") == "zeebe")
{
    await ZeebeScenario.RunAsync(options.Text("plugins", Path.Combine(Arguments.RepositoryRoot(), "artifacts", "plugins")),
        options.Int("jobs", 20000), options.Int("rounds", 2), options.Int("max-jobs-active", 32),
        options.Text("workers", "polling,streaming,default,grpc-js,node-sdk").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
        options.Int("rate", 0), options.Int("batch-ms", 10));
    return 0;
}
if (options.Text("scenario", "csp") == "alloc")
{
    if (options.Text("types", "no") == "yes")
        await CallAllocations.TypesAsync();
    else
        CallAllocations.Run();
    return 0;
}
if (options.Text("scenario", "csp") == "pipeline")
{
    await PipelineScenario.RunAsync(options.Text("plugins", Path.Combine(Arguments.RepositoryRoot(), "artifacts", "plugins")),
        options.Int("callers", 32), options.Int("duration", 5), options.Int("rounds", 3));
    return 0;
}
if (options.Text("scenario", "csp") == "catalog")
{
    await CatalogScenario.RunAsync();
    return 0;
}
var settings = new LoadSettings(options.Int("connections", 16), TimeSpan.FromSeconds(options.Int("warmup", 5)),
    TimeSpan.FromSeconds(options.Int("duration", 10)), options.Int("rounds", 2));
var plugins = options.Text("plugins", Path.Combine(Arguments.RepositoryRoot(), "artifacts", "plugins"));
await using IScenario scenario = options.Text("scenario", "csp") switch
{
    "csp" => new CspScenario(plugins),
    "spiff" => new SpiffScenario(plugins),
    "webhook" => new WebhookScenario(plugins, options.Text("baseline", "publish") == "bare"),
    var other => throw new ArgumentException($"unknown scenario '{other}'; known: alloc, catalog, pipeline, csp, spiff, webhook, feel, zeebe"),
};

if (scenario is HostScenario hosted && options.Text("isolation", "inprocess") is var isolation and not "inprocess")
    hosted.ExtraSettings = ["--Switchboard:Catalog:Isolation=" + isolation];
if (scenario is HostScenario compared && options.Text("baseline", "bare") == "inprocess")
    compared.InProcessBaseline = true;
if (scenario is HostScenario floored && options.Text("floor", "no") == "yes")
    floored.WithFloor = true;
var (subject, baseline) = await scenario.StartAsync();
var floor = (scenario as HostScenario)?.Floor;
// Every target in the order each round drives them; the floor, when asked for, between the two.
LoadTarget[] targets = floor is null ? [baseline, subject] : [baseline, floor, subject];
Console.WriteLine($"scenario: {scenario.Description}");
Console.WriteLine($"load: {settings}");
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}, load runner in the same process");

foreach (var target in targets)
    await LoadRunner.DriveAsync(target, settings.Connections, settings.Warmup);

// Rounds alternate between the targets, so a neighbour's load on a shared machine falls on all alike.
var results = targets.ToDictionary(target => target, target => new LoadResult(target.Name));
for (var round = 0; round < settings.Rounds; round++)
{
    var rps = new Dictionary<LoadTarget, double>();
    foreach (var target in targets)
    {
        var (latencies, errors, elapsed) = await LoadRunner.DriveAsync(target, settings.Connections, settings.Duration);
        results[target].Add(latencies, errors, elapsed);
        rps[target] = latencies.Count / elapsed.TotalSeconds;
    }
    var line = string.Create(CultureInfo.InvariantCulture,
        $"  round {round + 1}: {string.Join(", ", targets.Select(t => $"{t.Name} {rps[t]:0} rps"))}, ratio {rps[subject] / rps[baseline]:0.00}");
    if (floor is not null)
        line += string.Create(CultureInfo.InvariantCulture,
            $"; {floor.Name} / {baseline.Name} {rps[floor] / rps[baseline]:0.00}, {subject.Name} / {floor.Name} {rps[subject] / rps[floor]:0.00}");
    Console.WriteLine(line);
}

Console.WriteLine();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"target",-16} {"requests",10} {"rps",10} {"p50 ms",8} {"p99 ms",8} {"errors",7}"));
foreach (var result in results.Values)
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{result.Target,-16} {result.Requests,10} {result.RequestsPerSecond,10:0} {result.Percentile(50),8:0.000} {result.Percentile(99),8:0.000} {result.Errors,7}"));
var (host, bare) = (results[subject], results[baseline]);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"ratio {subject.Name} / {baseline.Name}: rps {host.RequestsPerSecond / bare.RequestsPerSecond:0.00}, p50 {host.Percentile(50) / bare.Percentile(50):0.00}, p99 {host.Percentile(99) / bare.Percentile(99):0.00}"));
if (floor is not null)
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"ratio {floor.Name} / {baseline.Name}: rps {results[floor].RequestsPerSecond / bare.RequestsPerSecond:0.00}; {subject.Name} / {floor.Name}: rps {host.RequestsPerSecond / results[floor].RequestsPerSecond:0.00}"));
var failures = results.Values.Sum(r => r.Errors);

if (options.Text("load", "runner") == "wrk")
{
    // The same targets again, driven by wrk in a process of its own: the figure a user reproduces with a standard tool.
    var (threads, connections) = (options.Int("wrk-threads", 2), options.Int("wrk-connections", 32));
    Console.WriteLine();
    Console.WriteLine($"wrk -t{threads} -c{connections} -d{settings.Duration.TotalSeconds:0}s --latency, a separate process; {settings.Rounds} rounds alternating after a {settings.Warmup.TotalSeconds:0} s warm-up each");
    foreach (var target in targets)
        await WrkLoad.RunAsync(target, threads, connections, settings.Warmup);
    var runs = targets.ToDictionary(target => target, _ => new List<WrkLoad.Result>());
    for (var round = 0; round < settings.Rounds; round++)
    {
        foreach (var target in targets)
            runs[target].Add(await WrkLoad.RunAsync(target, threads, connections, settings.Duration));
        var (bareRun, ourRun) = (runs[baseline][^1], runs[subject][^1]);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  round {round + 1}: {baseline.Name} {bareRun.RequestsPerSecond:0} rps, {subject.Name} {ourRun.RequestsPerSecond:0} rps, ratio {ourRun.RequestsPerSecond / bareRun.RequestsPerSecond:0.00}; " +
            $"server CPU per request {bareRun.CpuMicrosecondsPerRequest:0.0} µs vs {ourRun.CpuMicrosecondsPerRequest:0.0} µs; " +
            $"allocated {bareRun.BytesPerRequest:0} vs {ourRun.BytesPerRequest:0} B, collections per 1000 (gen0/gen1) {bareRun.Gen0PerThousand:0.00}/{bareRun.Gen1PerThousand:0.00} vs {ourRun.Gen0PerThousand:0.00}/{ourRun.Gen1PerThousand:0.00}, " +
            $"paused {bareRun.PauseMicrosecondsPerRequest:0.00} vs {ourRun.PauseMicrosecondsPerRequest:0.00} µs per request; " +
            $"thread-pool work items per request {bareRun.WorkItemsPerRequest:0.00} vs {ourRun.WorkItemsPerRequest:0.00}, context switches {bareRun.SwitchesPerRequest:0.00} vs {ourRun.SwitchesPerRequest:0.00}"));
        if (floor is not null && runs[floor][^1] is var floorRun)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"           {floor.Name} {floorRun.RequestsPerSecond:0} rps, {floorRun.CpuMicrosecondsPerRequest:0.0} µs per request, {floorRun.BytesPerRequest:0} B, " +
                $"{floorRun.WorkItemsPerRequest:0.00} work items and {floorRun.SwitchesPerRequest:0.00} context switches per request; " +
                $"{floor.Name} / {baseline.Name} {floorRun.RequestsPerSecond / bareRun.RequestsPerSecond:0.00}, {subject.Name} / {floor.Name} {ourRun.RequestsPerSecond / floorRun.RequestsPerSecond:0.00}"));
    }
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"target (wrk)",-16} {"requests",10} {"rps",10} {"p50 ms",8} {"p99 ms",8} {"errors",7}"));
    foreach (var (target, list) in runs)
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{target.Name,-16} {list.Sum(r => r.Requests),10} {list.Average(r => r.RequestsPerSecond),10:0} {list.Average(r => r.P50Ms),8:0.000} {list.Average(r => r.P99Ms),8:0.000} {list.Sum(r => r.Errors),7}"));
    var (ours, theirs) = (runs[subject], runs[baseline]);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"ratio (wrk) {subject.Name} / {baseline.Name}: rps {ours.Average(r => r.RequestsPerSecond) / theirs.Average(r => r.RequestsPerSecond):0.00}, p50 {ours.Average(r => r.P50Ms) / theirs.Average(r => r.P50Ms):0.00}, p99 {ours.Average(r => r.P99Ms) / theirs.Average(r => r.P99Ms):0.00}; " +
        $"server CPU per request {theirs.Average(r => r.CpuMicrosecondsPerRequest):0.0} µs vs {ours.Average(r => r.CpuMicrosecondsPerRequest):0.0} µs (this process: both servers, one loaded at a time)"));
    if (floor is not null)
    {
        var least = runs[floor];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ratio (wrk) {floor.Name} / {baseline.Name}: rps {least.Average(r => r.RequestsPerSecond) / theirs.Average(r => r.RequestsPerSecond):0.00}, server CPU per request {least.Average(r => r.CpuMicrosecondsPerRequest):0.0} µs; " +
            $"{subject.Name} / {floor.Name}: rps {ours.Average(r => r.RequestsPerSecond) / least.Average(r => r.RequestsPerSecond):0.00}"));
    }
    failures += runs.Values.Sum(list => list.Sum(r => r.Errors));
}
return failures == 0 ? 0 : 1;
