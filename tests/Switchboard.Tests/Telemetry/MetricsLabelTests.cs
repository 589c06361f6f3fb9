using System.Text;
using System.Text.Json.Nodes;
using Switchboard.Tests.Csp;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Telemetry;

/// <summary>Label values of <c>/metrics</c> made of what callers and connectors send: few series, a page Prometheus takes.</summary>
[Collection(TelemetryCollection.Name)]
public sealed class MetricsLabelTests
{
    [Fact]
    public async Task A_caller_spelling_an_operation_in_other_cases_makes_no_new_series()
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.ShippedPlugin("Http"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory);

        // Operations are found whatever their case: "delete" has 64 spellings, and each was a series of every instrument.
        foreach (var (spelling, id) in new[] { "DELETE", "Delete", "dElEtE", "deletE" }.Select((s, i) => (s, i)))
            await host.Http.PostAsync(CspCall.Request(id, "io.switchboard:http:1", new JsonObject(), spelling));

        var scrape = await host.Http.GetStringAsync("/metrics");
        var operations = scrape.Split('\n').Where(l => l.StartsWith("switchboard_calls_total{", StringComparison.Ordinal))
            .Select(l => System.Text.RegularExpressions.Regex.Match(l, "operation=\"([^\"]*)\"").Groups[1].Value).Distinct().ToList();
        operations.Should().BeEquivalentTo(["delete"], "a series is per declared operation, not per spelling a caller invents");
    }

    [Fact]
    public async Task Error_codes_outside_the_BMP_or_with_quotes_backslashes_and_line_breaks_leave_the_page_valid()
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.TestPlugin("Faults"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory);

        (await host.Http.PostAsync(CspCall.Request(1, CspCall.Faults, new JsonObject { ["code"] = "Quota\U0001F600Exceeded" }, "raise"))).Error.Should().NotBeNull();
        (await host.Http.PostAsync(CspCall.Request(2, CspCall.Faults, new JsonObject { ["code"] = "a\"b\\c\nd" }, "raise"))).Error.Should().NotBeNull();

        var bytes = await host.Http.GetByteArrayAsync("/metrics");
        var scrape = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes);
        scrape.Split('\n').Where(l => l.StartsWith("switchboard_calls_total{", StringComparison.Ordinal))
            .Should().Contain(l => l.Contains("error_code=\"a\\\"b\\\\c\\nd\"")).And.Contain(l => l.Contains("Quota\U0001F600Exceeded"));
    }

    [Fact]
    public async Task Error_codes_a_connector_makes_of_its_input_count_under_at_most_100_labels()
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.TestPlugin("Faults"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory);
        var run = Guid.NewGuid().ToString("N")[..8];

        for (var i = 0; i < 130; i++)
            (await host.Http.PostAsync(CspCall.Request(i, CspCall.Faults, new JsonObject { ["code"] = $"Order{run}x{i}" }, "raise"))).Error.Should().NotBeNull();

        var scrape = await host.Http.GetStringAsync("/metrics");
        var codes = scrape.Split('\n').Where(l => l.StartsWith("switchboard_calls_total{", StringComparison.Ordinal) && l.Contains("connector=\"test.switchboard:faults:1\""))
            .Select(l => System.Text.RegularExpressions.Regex.Match(l, "error_code=\"([^\"]*)\"").Groups[1].Value).Distinct().ToList();
        codes.Where(c => c.StartsWith("Order" + run)).Should().HaveCount(100, "each code was a series of every call instrument");
        codes.Should().Contain("(other)");
    }
}
