using System.Text.Json.Nodes;
using Switchboard.Tests.Csp;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Dashboard;

/// <summary>Attack round fourteen (A): the dashboard's "Try a connector" form for parameters whose ids every protocol
/// takes but a page building its request as a JavaScript object, or finding a field by the first part of an error's
/// path, mishandles: <c>__proto__</c> (tests/plugins/FormNames), <c>retry.count</c> and <c>tags[main]</c>. The README
/// promises the form calls the connector "exactly as a workflow engine would" and that "a field the host refuses shows
/// its error beside it".</summary>
[Collection(ExternalToolsCollection.Name)]
public sealed class DashboardFormNameTests
{
    private const string Card = ".connector[data-connector=\"test.switchboard:form-names:1\"]";

    [Fact]
    public async Task A_parameter_named___proto___filled_in_the_form_is_sent_to_the_connector()
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.TestPlugin("FormNames"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory);
        // A workflow engine calls it so: the host takes the id as any other.
        var direct = await host.Http.PostAsync(CspCall.Request(1, "test.switchboard:form-names:1", new JsonObject { ["__proto__"] = "hello" }, "echo"));
        direct.ToString().Should().Contain("\"got\":\"hello\"");
        await using var browser = await HeadlessBrowser.StartAsync();

        await browser.GotoAsync(host.DashboardAddress);
        await browser.WaitForAsync("#plugins tr[data-plugin=\"FormNames\"]", "loaded");
        await browser.ClickAsync($"{Card} > summary");
        const string form = Card + " form[data-operation=\"echo\"]";
        await browser.FillAsync($"{form} [data-field=\"__proto__\"] input", "hello");
        await browser.ClickAsync($"{form} button[data-protocol=\"csp\"]");
        // The response and the result are written in one step once the host answered.
        await browser.WaitForAsync($"{form} .response", "HTTP ");

        var request = await browser.TextAsync($"{form} .request");
        var result = await browser.TextAsync($"{form} .result");
        request.Should().Contain("\"__proto__\": \"hello\"", "the value typed into the __proto__ field should be in the request the page sends; it sent:\n{0}", request);
        result.Should().Contain("Output").And.Contain("hello",
            "the connector should be called with the value typed in; the page showed '{0}' (the field's error: '{1}')", result,
            await browser.TextAsync($"{form} [data-field=\"__proto__\"] .field-error"));
    }

    [Fact]
    public async Task A_required_parameter_whose_id_holds_a_dot_or_a_bracket_shows_the_hosts_error_beside_its_field()
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.TestPlugin("FormNames"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory);
        await using var browser = await HeadlessBrowser.StartAsync();

        await browser.GotoAsync(host.DashboardAddress);
        await browser.WaitForAsync("#plugins tr[data-plugin=\"FormNames\"]", "loaded");
        await browser.ClickAsync($"{Card} > summary");
        const string form = Card + " form[data-operation=\"dotted\"]";
        await browser.ClickAsync($"{form} button[data-protocol=\"csp\"]");
        await browser.WaitForAsync($"{form} .response", "HTTP ");

        var response = await browser.TextAsync($"{form} .response");
        response.Should().Contain("retry.count").And.Contain("tags[main]", "the host names both missing fields");
        var dotted = await browser.TextAsync($"{form} [data-field=\"retry.count\"] .field-error");
        var bracketed = await browser.TextAsync($"{form} [data-field=\"tags[main]\"] .field-error");
        $"retry.count: '{dotted}'; tags[main]: '{bracketed}'".Should().Be("retry.count: 'is required'; tags[main]: 'is required'",
            "the host refused both fields (its answer:\n{0}), and a field the host refuses shows its error beside it", response);
    }
}
