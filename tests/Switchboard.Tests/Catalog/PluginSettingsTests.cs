using Switchboard.Host.Catalog;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Catalog;

/// <summary>A plugin's own host settings (<c>Plugins:&lt;Name&gt;:...</c>) that cannot be read fail its load, naming the
/// setting; read as their defaults, a misspelt isolation ran an untrusted plugin inside the host and a bad limit
/// silently allowed more than its operator meant.</summary>
public sealed class PluginSettingsTests
{
    [Theory]
    [InlineData("Plugins:Calculator:Isolation=Process", "Plugins:Calculator:Isolation must be inprocess or process, not 'Process'")]
    [InlineData("Plugins:Calculator:MaxConcurrentCalls=0", "Plugins:Calculator:MaxConcurrentCalls must be a whole number of at least 1, not '0'")]
    [InlineData("Plugins:Calculator:MaxConcurrentCalls=abc", "Plugins:Calculator:MaxConcurrentCalls must be a whole number of at least 1, not 'abc'")]
    [InlineData("Plugins:Calculator:MaxQueuedCalls=-1", "Plugins:Calculator:MaxQueuedCalls must be a whole number of at least 0, not '-1'")]
    [InlineData("Plugins:Calculator:TimeoutSeconds=99999999", "Plugins:Calculator:TimeoutSeconds must be a positive number of seconds up to 4294967")]
    // A value from outside is quoted escaped, as every other setting's: a bidi override written raw reorders the line it is shown in.
    [InlineData("Plugins:Calculator:TimeoutSeconds=5\u202Eevil", "Plugins:Calculator:TimeoutSeconds must be a positive number of seconds up to 4294967 (about 49 days), not '5\\u202eevil'")]
    public async Task A_plugin_setting_that_cannot_be_read_fails_the_plugin_naming_it_and_the_others_serve(string setting, string problem)
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.ShippedPlugin("Calculator"));
        sandbox.Add(Repository.ShippedPlugin("Log"));

        await using var host = await RunningHost.StartAsync(sandbox.Directory, "Switchboard:Catalog:Watch=false", setting);

        var calculator = host.Catalog.Plugins.Single(p => p.Name == "Calculator");
        calculator.State.Should().Be(PluginState.Failed);
        calculator.Reason.Should().Contain(problem);
        host.Catalog.Plugins.Single(p => p.Name == "Log").State.Should().Be(PluginState.Loaded);
    }

    [Fact]
    public async Task An_unreadable_worker_memory_ceiling_fails_the_isolated_plugin_instead_of_running_it_without_one()
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.ShippedPlugin("Calculator"));

        await using var host = await RunningHost.StartAsync(sandbox.Directory, "Switchboard:Catalog:Watch=false",
            "Plugins:Calculator:Isolation=process", "Plugins:Calculator:MaxWorkerMemoryMB=-5");

        var calculator = host.Catalog.Plugins.Single(p => p.Name == "Calculator");
        calculator.State.Should().Be(PluginState.Failed);
        calculator.Reason.Should().Contain("Plugins:Calculator:MaxWorkerMemoryMB must be a whole number of megabytes above 0, not '-5'");
    }
}
