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
    [InlineData("io.switchboard:calculator:1", "io.switchboard:calculator:2", false)]
    [InlineData("io.switchboard:calculator:1", "io.switchboard.calculator:7", true)]
    [InlineData("a.b:c:1", "a:b.c:1", true)]
    [InlineData("a:b", "a::b", true)]
    public void Two_types_share_an_id_only_as_two_versions_of_one_connector(string first, string second, bool clash)
    {
        ElementTemplateIds.TemplateId(first).Should().Be(ElementTemplateIds.TemplateId(second));
        var claims = new[] { first, second }.Select(type => new Core.Metadata.ConnectorMetadata(type, "Name", null, 1, null, "Plugin", []))
            .SelectMany(ElementTemplateClaims.Of).ToList();
        ElementTemplateClaims.Collision(claims, claims).HasValue.Should().Be(clash);
    }
}
