using Microsoft.Extensions.Configuration;
using Switchboard.Host.Catalog;

namespace Switchboard.Tests.Catalog;

/// <summary>The README: a <c>--plugins</c> folder that does not exist stops the host, and only the default folder is
/// created when missing. A host run outside a checkout (its default, <c>plugins/</c> beside it, not there yet) was
/// refused as if the user had named a folder that does not exist.</summary>
public sealed class PluginsFolderSettingTests
{
    [Fact]
    public void A_default_plugins_folder_that_does_not_exist_is_left_for_the_catalog_to_create()
    {
        var missing = Path.Combine(Path.GetTempPath(), "switchboard-tests", "no-plugins-" + Guid.NewGuid().ToString("N"));
        var setup = new CatalogOptionsSetup(new ConfigurationBuilder().Build());
        var options = new CatalogOptions { PluginsDirectory = missing };

        var result = setup.Validate(null, options);

        result.Succeeded.Should().BeTrue(result.FailureMessage);
    }

    [Fact]
    public void A_named_plugins_folder_that_does_not_exist_stops_the_host_naming_it()
    {
        var missing = Path.Combine(Path.GetTempPath(), "switchboard-tests", "no-plugins-" + Guid.NewGuid().ToString("N"));
        var setup = new CatalogOptionsSetup(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Switchboard:Catalog:PluginsDirectory"] = missing }).Build());
        var options = new CatalogOptions { PluginsDirectory = missing };

        var result = setup.Validate(null, options);

        result.Failed.Should().BeTrue();
        result.FailureMessage.Should().Contain(missing).And.Contain("does not exist");
    }
}
