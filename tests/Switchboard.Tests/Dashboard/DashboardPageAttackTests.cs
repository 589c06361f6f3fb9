using System.Text.Json.Nodes;
using Switchboard.Tests.Csp;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Dashboard;

/// <summary>The dashboard page in a real headless Chromium while the host is busy.</summary>
[Collection(ExternalToolsCollection.Name)]
public sealed class DashboardPageAttackTests
{
    private const string CalculatorHistory = "#plugins tr[data-plugin=\"Calculator\"] details";

    [Fact]
    public async Task A_plugins_history_opened_on_the_page_stays_open_when_a_connector_is_called()
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.ShippedPlugin("Calculator"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory);
        await using var browser = await HeadlessBrowser.StartAsync();
        var probe = Path.Combine(Path.GetTempPath(), $"history-probe-{Guid.NewGuid():N}.js");
        await File.WriteAllTextAsync(probe, $"window.historyOpen = () => !!document.querySelector('{CalculatorHistory}[open]');");
        try
        {
            await browser.GotoAsync(host.DashboardAddress);
            await browser.WaitForAsync("#plugins tr[data-plugin=\"Calculator\"]", "loaded");
            await browser.AddScriptAsync(probe);
            await browser.ClickAsync($"{CalculatorHistory} > summary");
            (await browser.CallAsync("historyOpen", JsonValue.Create(0))).Should().Be("true", "the user opened the history");

            // Someone (a workflow engine) calls a connector: the page shows the call...
            (await host.Http.PostAsync(CspCall.Request(1, CspCall.Calculator, CspCall.Add(5, 3)))).Should().NotBeNull();
            await browser.WaitForAsync("#calls tbody tr", CspCall.Calculator);

            // ...and the history the user is reading should still be open.
            (await browser.CallAsync("historyOpen", JsonValue.Create(0))).Should().Be("true",
                "a plugin's history the user opened should stay open when an unrelated call is recorded; under steady traffic it closes every 250 ms and cannot be read");
        }
        finally
        {
            File.Delete(probe);
        }
    }
}
