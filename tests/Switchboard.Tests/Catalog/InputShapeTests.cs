using System.Text.Json.Nodes;
using Switchboard.Abstractions;
using Switchboard.Core;
using Switchboard.Core.Invoking;
using Switchboard.Core.Metadata;
using Switchboard.Host.Catalog;
using Switchboard.Host.Invocation;
using Switchboard.Host.Templates;
using Switchboard.Tests.Csp;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Catalog;

/// <summary>A plugin's input types cannot make its metadata, and what the host lists and writes from it, grow without
/// bound: a class met again on its own path is not expanded again, and a connector past the parameter cap fails its load.</summary>
public sealed class InputShapeTests
{
    [Fact]
    public async Task An_input_that_refers_to_itself_is_described_once_and_still_binds_to_any_depth()
    {
        await using var harness = await CatalogHarness.StartAsync(sandbox => sandbox.Add(Repository.TestPlugin("RecursiveInput")), watch: false);

        harness.Plugin("RecursiveInput").State.Should().Be(PluginState.Loaded, harness.Plugin("RecursiveInput").Reason);
        var input = harness.Catalog.Find("test.switchboard:recursive:1")!.Operations.Single().Input;
        input.Select(p => p.Id).Should().Equal("leaf", "c0", "c1", "c2", "c3", "via");
        // A node inside a node is an object without listed fields, as an object past the depth limit is.
        input.Where(p => p.Id.StartsWith('c')).Select(p => (p.Kind, p.Children.Count)).Should().AllBeEquivalentTo((ParameterKind.Object, 0));
        var via = input.Single(p => p.Id == "via");
        via.Children.Select(p => p.Id).Should().Equal("label", "back");
        via.Children.Single(p => p.Id == "back").Children.Count.Should().Be(0, "the way back to Node is a cycle of two");

        var template = ElementTemplates.All(harness.Catalog).Single();
        template["properties"]!.AsArray().Count(p => p!["group"]?.GetValue<string>() == "input").Should().Be(7);

        var deep = JsonNode.Parse("""{"c0":{"c1":{"c2":{"c3":{"via":{"back":{"c0":{"c0":{"c0":{"c0":{"leaf":"x"}}}}}}}}}}}""")!.AsObject();
        var outcome = await harness.Pipeline.InvokeAsync(new Invocation("test.switchboard:recursive:1", null, deep, Protocol.InProcess));
        outcome.Error.Should().BeNull(outcome.Error?.Message);
        outcome.Output!.GetValue<int>().Should().Be(10);
    }

    [Fact]
    public async Task A_connector_describing_more_parameters_than_the_cap_fails_its_plugin_naming_both_and_the_others_serve()
    {
        await using var harness = await CatalogHarness.StartAsync(sandbox =>
        {
            sandbox.Add(Repository.ShippedPlugin("Calculator"));
            sandbox.Add(Repository.TestPlugin("OversizedInput"));
        }, watch: false);

        var oversized = harness.Plugin("OversizedInput");
        oversized.State.Should().Be(PluginState.Failed);
        oversized.Reason.Should().Be("Switchboard.TestPlugins.OversizedInput.OversizedConnector: connector 'test.switchboard:oversized:1' " +
            "describes more than 2000 parameters (its inputs and outputs with their nested fields), the most a connector may describe");
        harness.Catalog.Find("test.switchboard:oversized:1").Should().BeNull();
        var sum = await harness.Pipeline.InvokeAsync(new Invocation("io.switchboard:calculator:1", null, CspCall.Add(2, 3), Protocol.InProcess));
        sum.Error.Should().BeNull(sum.Error?.Message);
    }
}
