using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Switchboard.Feel;
using Switchboard.Feel.Connectors;

namespace Switchboard.Benchmarks;

/// <summary>FEEL: a typical connector resultExpression evaluated per second (parse cached), and parses per second.</summary>
internal static class FeelScenario
{
    private const string Expression =
        "{id: response.body.id, names: for p in response.body.items return upper case(p.name), total: sum(response.body.items.price)}";

    public static void Run(int seconds, int rounds)
    {
        var response = JsonNode.Parse("""
            {"status": 200, "headers": {"content-type": "application/json"},
             "body": {"id": 4711, "items": [
               {"name": "apple", "price": 1.25, "qty": 3}, {"name": "banana", "price": 0.5, "qty": 12},
               {"name": "carrot", "price": 0.8, "qty": 1}, {"name": "dates", "price": 4.2, "qty": 2},
               {"name": "eggs", "price": 2.99, "qty": 6}]}}
            """)!;
        var variables = new JsonObject { ["response"] = response.DeepClone() };
        var engine = new FeelEngine();
        Console.WriteLine($"# feel scenario ({Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}, one thread)");
        Console.WriteLine($"expression: {Expression}");
        Console.WriteLine($"result: {engine.Evaluate(Expression, variables).Value!.ToJsonString()}");

        for (var round = 1; round <= rounds; round++)
        {
            Report(round, "evaluate (cached parse, JSON in and out)", seconds, () => engine.Evaluate(Expression, variables));
            Report(round, "ResultMapping.Apply (header, output scope, merge)", seconds, () => ResultMapping.Apply("=" + Expression, response, engine));
            Report(round, "parse only (no cache)", seconds, () => engine.ParseUncached(Expression));
        }
    }

    private static void Report(int round, string what, int seconds, Action action)
    {
        for (var i = 0; i < 2000; i++)
            action();
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var watch = Stopwatch.StartNew();
        long count = 0;
        while (watch.Elapsed.TotalSeconds < seconds)
        {
            for (var i = 0; i < 100; i++)
                action();
            count += 100;
        }
        var elapsed = watch.Elapsed.TotalSeconds;
        var allocated = (GC.GetAllocatedBytesForCurrentThread() - allocatedBefore) / (double)count;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  round {round}: {what}: {count / elapsed,10:0} per second, {elapsed / count * 1e6:0.00} µs each, {allocated / 1024:0.0} KiB allocated each"));
    }
}
