using System.Text.Json.Nodes;
using Switchboard.Host.Catalog;
using Switchboard.Tests.Csp;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Dashboard;

/// <summary>The dashboard and the status endpoints against a hostile plugin and hostile callers.</summary>
public sealed class DashboardAttackTests
{
    private const string Hostile = "test.switchboard:hostile-dashboard:1";

    [Fact]
    public async Task A_plugin_failing_with_a_long_message_does_not_make_plugins_and_each_dashboard_push_megabytes()
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.ShippedPlugin("Calculator"));
        sandbox.Add(Repository.TestPlugin("HostileDashboard"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory, "Plugins:HostileDashboard:FailLength=100000");
        await Eventually.WaitFor(() => host.Catalog.Plugins.Any(p => p.Name == "HostileDashboard" && p.State == PluginState.Failed), TimeSpan.FromSeconds(30));

        var plugins = await host.Http.GetStringAsync("/plugins");

        // What one open page receives for one connector call made elsewhere.
        using var response = await host.DashboardGetAsync("/ui/api/events", HttpCompletionOption.ResponseHeadersRead);
        using var events = new StreamReader(await response.Content.ReadAsStreamAsync());
        await DashboardEvents.NextStateAsync(events, _ => true);
        (await host.Http.PostAsync(CspCall.Request(1, CspCall.Calculator, CspCall.Add(5, 3)))).Should().NotBeNull();
        var (_, pushed) = await DashboardEvents.NextStateAsync(events, s => s["recentCalls"]!.AsArray().Count == 1);

        plugins.Length.Should().BeLessThan(64 * 1024,
            $"one plugin's failure should not make /plugins huge (logs cap each value at 500 characters); one connector call also pushed {pushed:N0} characters to every open dashboard page");
    }

    [Fact]
    public async Task Recent_calls_keep_no_input_values_not_even_a_map_key_a_binding_error_names()
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.TestPlugin("HostileDashboard"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory);
        await Eventually.WaitFor(() => host.Catalog.Plugins.Any(p => p.Name == "HostileDashboard" && p.State == PluginState.Loaded), TimeSpan.FromSeconds(30));
        const string personal = "Jane Doe, SSN 078-05-1120";

        await host.Http.PostAsync(CspCall.Request(1, Hostile, new JsonObject { ["counts"] = new JsonObject { [personal] = "many" } }));
        var state = JsonNode.Parse(await (await host.DashboardGetAsync("/ui/api/state")).Content.ReadAsStringAsync())!;

        var call = state["recentCalls"]!.AsArray().Single()!;
        call["errorCode"]!.ToString().Should().Be("InvalidParameters");
        call["errorMessage"]!.ToString().Should().NotContain("078-05-1120", "the README promises no input values are kept in the recent calls")
            .And.Contain("counts.{key} must be a whole number", "the field is still named, its key left out");
    }
}
