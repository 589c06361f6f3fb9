using Switchboard.Host.Catalog;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Dashboard;

/// <summary>The developer dashboard in a real headless Chromium: it lists the plugins, follows the catalog live, and
/// calls a connector from a form generated from its metadata.</summary>
[Collection(ExternalToolsCollection.Name)]
public sealed class DashboardBrowserTests
{
    private const string CalculatorCard = ".connector[data-connector=\"io.switchboard:calculator:1\"]";

    /// <summary>Where every run leaves a picture of the dashboard (the README's screenshot is one of these).</summary>
    public static readonly string Screenshot = Path.Combine(Repository.Root, "artifacts", "screenshots", "dashboard.png");

    [Fact]
    public async Task The_page_lists_the_plugins_follows_a_new_one_live_and_invokes_Calculator_from_its_form()
    {
        using var sandbox = new PluginSandbox();
        string[] shipped = ["Calculator", "Http", "RandomNumber", "Smtp", "Webhook"];
        foreach (var plugin in shipped)
            sandbox.Add(Repository.ShippedPlugin(plugin));
        await using var host = await RunningHost.StartAsync(sandbox.Directory);
        await using var browser = await HeadlessBrowser.StartAsync();
        try
        {
            await browser.GotoAsync(host.DashboardAddress);
            foreach (var plugin in shipped)
                (await browser.WaitForAsync($"#plugins tr[data-plugin=\"{plugin}\"]")).Should().Contain("loaded");
            // The page took its key out of the address bar (history.replaceState, a navigation within the document).
            var navigations = await browser.NavigationsAsync();
            (await browser.UrlAsync()).Should().Be(new Uri(host.Address, "/ui/").ToString());

            // A plugin dropped into the folder shows up on the open page, pushed by the host: no reload.
            sandbox.Add(Repository.ShippedPlugin("Log"));
            await Eventually.WaitFor(() => host.Catalog.Plugins.Any(p => p.Name == "Log" && p.State == PluginState.Loaded), TimeSpan.FromSeconds(30));
            (await browser.WaitForAsync("#plugins tr[data-plugin=\"Log\"]", "loaded", TimeSpan.FromSeconds(2))).Should().Contain("generation 1 loaded");
            (await browser.NavigationsAsync()).Should().Be(navigations, "the page was not reloaded");

            // The form is made from the connector's metadata: a choice list, number fields, required markers.
            await browser.ClickAsync($"{CalculatorCard} > summary");
            await browser.SelectAsync($"{CalculatorCard} [data-field=\"action\"] select", "add");
            await browser.FillAsync($"{CalculatorCard} [data-field=\"a\"] input[type=number]", "5");
            await browser.FillAsync($"{CalculatorCard} [data-field=\"b\"] input[type=number]", "3");
            (await browser.TextAsync($"{CalculatorCard} [data-field=\"b\"] label")).Should().Contain("*", "b is required");

            await browser.ClickAsync($"{CalculatorCard} button[data-protocol=\"csp\"]");
            (await browser.WaitForAsync($"{CalculatorCard} .result", "Output")).Should().Contain("\"result\":8");
            (await browser.TextAsync($"{CalculatorCard} .request")).Should().Contain("POST /csp/connector").And.Contain("\"method\": \"io.switchboard:calculator:1\"");
            (await browser.TextAsync($"{CalculatorCard} .response")).Should().Contain("HTTP 200").And.Contain("\"jsonrpc\": \"2.0\"");

            await browser.ClickAsync($"{CalculatorCard} button[data-protocol=\"spiff\"]");
            (await browser.WaitForAsync($"{CalculatorCard} .request", "/v1/do/calculator/Calculate")).Should().Contain("\"b\": 3");
            (await browser.WaitForAsync($"{CalculatorCard} .result", "Output")).Should().Contain("8");

            // A missing field: the host's own validation error, shown beside that field.
            await browser.FillAsync($"{CalculatorCard} [data-field=\"b\"] input[type=number]", "");
            await browser.ClickAsync($"{CalculatorCard} button[data-protocol=\"csp\"]");
            (await browser.WaitForAsync($"{CalculatorCard} [data-field=\"b\"] .field-error", "required")).Should().NotBeEmpty();
            (await browser.TextAsync($"{CalculatorCard} [data-field=\"a\"] .field-error")).Should().BeEmpty();
            (await browser.TextAsync($"{CalculatorCard} .result")).Should().Contain("Failed").And.Contain("InvalidParameters");

            // A secret parameter is a password field.
            await browser.ClickAsync(".connector[data-connector=\"io.switchboard:smtp:1\"] > summary");
            await browser.WaitForAsync(".connector[data-connector=\"io.switchboard:smtp:1\"] [data-field=\"smtp_password\"] input[type=password]");

            // The calls just made, newest first, with their protocol and outcome.
            (await browser.WaitForAsync("#calls tbody tr", "InvalidParameters")).Should().Contain("Csp").And.Contain("error");
            (await browser.WaitForAsync("#calls tbody tr", "Spiff")).Should().Contain("success");
            // A name from outside is shown as text, never run as markup: a caller's invented connector type with a script in it.
            const string hostile = "io.example:<img src=x onerror=\"document.title='owned'\">:1";
            (await host.Http.PostAsync("/csp/connector", new StringContent(
                new System.Text.Json.Nodes.JsonObject { ["jsonrpc"] = "2.0", ["id"] = 9, ["method"] = hostile, ["params"] = new System.Text.Json.Nodes.JsonObject { ["input"] = new System.Text.Json.Nodes.JsonObject() } }.ToJsonString(),
                System.Text.Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
            (await browser.WaitForAsync("#calls tbody tr", "ConnectorNotFound")).Should().Contain(hostile);
            (await browser.TitleAsync()).Should().Be("Switchboard", "the markup in the name did not run");

            var consoleErrors = await browser.ConsoleErrorsAsync();
            consoleErrors.Should().Be("[]", consoleErrors);
        }
        finally
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Screenshot)!);
            await browser.ScreenshotAsync(Screenshot);
        }
    }

    [Fact]
    public async Task With_a_CSP_bearer_token_and_a_Spiff_API_key_of_their_own_each_Try_button_calls_with_its_own_protocols_secret()
    {
        // The page kept one secret and sent it to both protocols: with the two secrets different, whichever was given,
        // the other protocol's button was refused, and giving its secret broke the first one's.
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.ShippedPlugin("Calculator"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory,
            "Switchboard:Csp:BearerToken=csp-secret-0123456789", "Switchboard:Spiff:ApiKey=spiff-secret-0123456789");
        host.DashboardKey.Should().Be("csp-secret-0123456789", "the page is opened with the CSP token, which the dashboard accepts");
        await using var browser = await HeadlessBrowser.StartAsync();
        await browser.GotoAsync(host.DashboardAddress);
        await browser.WaitForAsync("#plugins tr[data-plugin=\"Calculator\"]", "loaded");
        await browser.ClickAsync($"{CalculatorCard} > summary");
        await browser.SelectAsync($"{CalculatorCard} [data-field=\"action\"] select", "add");
        await browser.FillAsync($"{CalculatorCard} [data-field=\"a\"] input[type=number]", "5");
        await browser.FillAsync($"{CalculatorCard} [data-field=\"b\"] input[type=number]", "3");

        // Spiff refuses the CSP token: the page asks for Spiff's own key and makes the call again with it.
        await browser.ClickAsync($"{CalculatorCard} button[data-protocol=\"spiff\"]");
        await browser.WaitForAsync("#credentials", "Spiff endpoint refused");
        await browser.FillAsync("#secret", "spiff-secret-0123456789");
        await browser.ClickAsync("#credentials button[type=submit]");
        (await browser.WaitForAsync($"{CalculatorCard} .response", "HTTP 200")).Should().Contain("command_response");
        (await browser.TextAsync($"{CalculatorCard} .result")).Should().Contain("8");

        // CSP still goes with the CSP token, and the page's own data with its key.
        await browser.ClickAsync($"{CalculatorCard} button[data-protocol=\"csp\"]");
        (await browser.WaitForAsync($"{CalculatorCard} .result", "Output")).Should().Contain("\"result\":8");
        (await browser.TextAsync($"{CalculatorCard} .response")).Should().Contain("HTTP 200");
        (await browser.WaitForAsync("#calls tbody tr", "Csp")).Should().Contain("success");
        (await browser.TextAsync("#live")).Should().NotContain("needs a key");
    }

    [Fact]
    public async Task A_protocol_refused_while_the_page_waits_for_its_own_key_keeps_the_key_prompt_and_the_key_given_serves_both()
    {
        // A host restarted with a new CSP bearer token (the dashboard's key too), the page still open with the old one: its
        // feed is refused and it asks for the dashboard's key. A Try button pressed then was refused too and replaced that prompt with the protocol's,
        // so the key given was kept as the protocol's alone and the page stayed without its live data.
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.ShippedPlugin("Calculator"));
        var first = await RunningHost.StartAsync(sandbox.Directory, "Switchboard:Csp:BearerToken=first-token-0123456789");
        await using var browser = await HeadlessBrowser.StartAsync();
        await browser.GotoAsync(first.DashboardAddress);
        await browser.WaitForAsync("#plugins tr[data-plugin=\"Calculator\"]", "loaded");
        await browser.ClickAsync($"{CalculatorCard} > summary");
        await browser.SelectAsync($"{CalculatorCard} [data-field=\"action\"] select", "add");
        await browser.FillAsync($"{CalculatorCard} [data-field=\"a\"] input[type=number]", "5");
        await browser.FillAsync($"{CalculatorCard} [data-field=\"b\"] input[type=number]", "3");
        var (port, oldKey) = (first.Address.Port, first.DashboardKey);
        await first.DisposeAsync();

        await using var second = await RunningHost.StartAsync(sandbox.Directory, "urls=http://127.0.0.1:" + port,
            "Switchboard:Csp:BearerToken=second-token-0123456789");
        second.DashboardKey.Should().Be("second-token-0123456789").And.NotBe(oldKey);
        await browser.WaitForAsync("#credentials", "The dashboard needs a key", TimeSpan.FromSeconds(30));
        await browser.ClickAsync($"{CalculatorCard} button[data-protocol=\"csp\"]");
        await browser.WaitForAsync($"{CalculatorCard} .response", "HTTP 401");
        (await browser.TextAsync("#credentials")).Should().Contain("The dashboard needs a key", "the page's own prompt stays until it is answered");

        await browser.FillAsync("#secret", second.DashboardKey);
        await browser.ClickAsync("#credentials button[type=submit]");
        (await browser.WaitForAsync("#live", "live")).Should().NotContain("needs a key");
        (await browser.WaitForAsync($"{CalculatorCard} .result", "Output")).Should().Contain("\"result\":8", "the refused call is made again with the key given");
    }
}
