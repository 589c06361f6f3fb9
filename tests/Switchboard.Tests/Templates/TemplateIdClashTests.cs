using Switchboard.Abstractions;
using Switchboard.Core;
using Switchboard.Core.Invoking;
using Switchboard.Host.Catalog;
using Switchboard.Host.Invocation;
using Switchboard.Host.Templates;
using Switchboard.Tests.Csp;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Templates;

/// <summary>Two connectors never take one element template id: the Modeler would know only one, and templates --out
/// wrote one file over the other.</summary>
public sealed class TemplateIdClashTests
{
    [Fact]
    public async Task A_connector_whose_template_id_another_plugins_connector_has_is_refused_naming_both()
    {
        await using var harness = await CatalogHarness.StartAsync(sandbox =>
        {
            sandbox.Add(Repository.ShippedPlugin("Calculator"));
            sandbox.Add(Repository.TestPlugin("TemplateIdClash"));
        }, watch: false);

        var clash = harness.Plugin("TemplateIdClash");
        clash.State.Should().Be(PluginState.Failed);
        clash.Reason.Should().Be("connector type 'io.switchboard.calculator:7' would get element template id 'io.switchboard.calculator', " +
            "already that of connector type 'io.switchboard:calculator:1' of plugin 'Calculator' (a template id is the type with ':' read as '.' and its version dropped)");
        var templates = ElementTemplates.All(harness.Catalog).ToList();
        templates.Select(t => (string)t["id"]!).Should().Equal("io.switchboard.calculator");
        templates.Single()["name"]!.ToString().Should().Be("Calculator");
        var sum = await harness.Pipeline.InvokeAsync(new Invocation(CspCall.Calculator, null, CspCall.Add(2, 3), Protocol.InProcess));
        sum.Error.Should().BeNull(sum.Error?.Message);
    }

    [Theory]
    [InlineData("io.switchboard:calculator:1", 1, "io.switchboard:calculator:2", 2, false)]
    [InlineData("io.switchboard:calculator:1", 1, "io.switchboard:calculator:2", 1, true)]
    [InlineData("io.switchboard:calculator:1", 1, "io.switchboard.calculator:7", 7, true)]
    [InlineData("a.b:c:1", 1, "a:b.c:1", 2, true)]
    [InlineData("a:b", 1, "a::b", 2, true)]
    public void Two_types_share_an_id_only_as_two_contract_versions_of_one_connector(string first, int firstVersion, string second, int secondVersion, bool clash)
    {
        ElementTemplateIds.TemplateId(first).Should().Be(ElementTemplateIds.TemplateId(second));
        var claims = new[] { (first, firstVersion), (second, secondVersion) }
            .Select(c => new Core.Metadata.ConnectorMetadata(c.Item1, "Name", null, c.Item2, null, "Plugin", []))
            .SelectMany(ElementTemplateClaims.Of).ToList();
        ElementTemplateClaims.Collision(claims, claims).HasValue.Should().Be(clash);
    }

    [Fact]
    public async Task Two_versions_of_a_connector_left_at_one_contract_version_refuse_the_plugin_naming_both_and_the_way_out()
    {
        await using var harness = await CatalogHarness.StartAsync(sandbox =>
        {
            sandbox.Add(Repository.ShippedPlugin("Calculator"));
            sandbox.Add(Repository.TestPlugin("TemplateVersionClash"));
        }, watch: false);

        // Both were version 1, so two different templates had one id and version: the Modeler refused the second.
        var clash = harness.Plugin("TemplateVersionClash");
        clash.State.Should().Be(PluginState.Failed);
        clash.Reason.Should().Be("connector types 'test.switchboard:thing:1' (plugin 'TemplateVersionClash') and 'test.switchboard:thing:2' (plugin 'TemplateVersionClash') " +
            "would both be element template 'test.switchboard.thing' version 1, which the Modeler refuses to hold twice: " +
            "give the newer one its own contract version (Version = 2 in its attribute)");
        harness.Plugin("Calculator").State.Should().Be(PluginState.Loaded);
    }
}
