using FluentAssertions;
using Switchboard.Tests.Infrastructure;
using Xunit;

namespace Switchboard.Tests.Catalog;

/// <summary>The tests deploy plugins as a user's <c>cp</c> does; a catalog reading the files at that moment must not make the deploy fail.</summary>
public sealed class PluginSandboxTests : IDisposable
{
    private readonly PluginSandbox _sandbox = new();

    [Fact]
    public void Overwrites_a_plugin_file_the_catalog_has_open_for_reading()
    {
        var built = Repository.ShippedPlugin("Log");
        var folder = _sandbox.Add(built);
        var dll = Path.Combine(folder, "Log.dll");

        // As the catalog's fingerprint reads a file: shared, so it takes only a shared advisory lock.
        using (new FileStream(dll, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            PluginSandbox.Copy(built, folder);

        File.ReadAllBytes(dll).Should().Equal(File.ReadAllBytes(Path.Combine(built, "Log.dll")));
    }

    public void Dispose() => _sandbox.Dispose();
}
