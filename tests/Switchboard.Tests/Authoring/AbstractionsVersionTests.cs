using System.Reflection;
using Switchboard.Host.Catalog;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Authoring;

/// <summary>A minor release of the abstractions changes their assembly version, so the host's gate can tell a 1.1 plugin from a 1.0 one.</summary>
public sealed class AbstractionsVersionTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "switchboard-tests", "abstractions-" + Guid.NewGuid().ToString("N")[..12]);

    [Fact]
    public async Task Abstractions_released_as_1_1_carry_assembly_version_1_1_and_a_plugin_built_on_them_is_refused_by_a_1_0_host()
    {
        // A copy of the project, so building it as another version leaves the checkout's outputs alone.
        var checkout = Path.Combine(_root, "switchboard");
        Repository.CopySources(Path.Combine(Repository.Root, "plugin-abstractions"), Path.Combine(checkout, "plugin-abstractions"));
        File.Copy(Path.Combine(Repository.Root, "Directory.Build.props"), Path.Combine(checkout, "Directory.Build.props"));
        var output = Path.Combine(_root, "out");

        var (exitCode, log) = await DotnetCli.RunAsync(checkout, TimeSpan.FromMinutes(3), "build", Path.Combine("plugin-abstractions", "Switchboard.Abstractions.csproj"),
            "-p:SwitchboardVersion=1.1.0", "-o", output, "-nodeReuse:false");
        exitCode.Should().Be(0, log);
        var released = AssemblyName.GetAssemblyName(Path.Combine(output, "Switchboard.Abstractions.dll")).Version;
        var hosted = typeof(Switchboard.Abstractions.ConnectorAttribute).Assembly.GetName().Version;

        released.Should().Be(new Version(1, 1, 0, 0));
        hosted.Should().Be(new Version(1, 0, 0, 0));
        await using var harness = await CatalogHarness.StartAsync(sandbox =>
        {
            var plugin = sandbox.Add(Repository.ShippedPlugin("Log"), "NewerLog");
            AssemblyReferencePatcher.SetReferenceVersion(Path.Combine(plugin, "Log.dll"), "Switchboard.Abstractions", released!);
        }, watch: false);
        harness.Plugin("NewerLog").State.Should().Be(PluginState.Failed);
        harness.Plugin("NewerLog").Reason.Should().Contain("Switchboard.Abstractions 1.1.0.0").And.Contain("provides 1.0.0.0");
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
