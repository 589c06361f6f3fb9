using System.Diagnostics;
using System.Text.Json.Nodes;
using Switchboard.Abstractions;
using Switchboard.Core;
using Switchboard.Host.Catalog;
using Switchboard.Core.Invoking;
using Switchboard.Host.Invocation;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Catalog;

/// <summary>A deploy that replaces the plugins folder as a whole (a link re-pointed at a new release, or a new folder
/// renamed in place of the old one) is followed: the new folder's plugins load, and the watcher watches it from then on.</summary>
public sealed class ReplacedRootTests : IDisposable
{
    private readonly DirectoryInfo _base = Directory.CreateTempSubdirectory("switchboard-releases-");

    public void Dispose() => _base.Delete(recursive: true);

    private string Release(string name, string variant)
    {
        var release = Path.Combine(_base.FullName, name);
        PluginSandbox.Copy(Repository.TestPlugin("ReloadProbe." + variant), Path.Combine(release, "ReloadProbe"));
        return release;
    }

    private static async Task<string?> Variant(CatalogHarness harness)
    {
        var outcome = await harness.Pipeline.InvokeAsync(new Invocation("test.switchboard:probe:1", "identify", new JsonObject(), Protocol.InProcess));
        return outcome.Output?["variant"]?.GetValue<string>();
    }

    private Task<CatalogHarness> StartAsync(string root) =>
        CatalogHarness.StartAsync(_ => { }, configure: options => options.PluginsDirectory = root);

    // `mv -T`: rename(2), which replaces the target in one step, as deploy tools do; .NET's moves refuse to replace a folder.
    private static async Task Rename(string from, string to)
    {
        using var mv = Process.Start("mv", ["-T", from, to])!;
        await mv.WaitForExitAsync();
        mv.ExitCode.Should().Be(0);
    }

    // A watcher of the plugins folder alone, counting the rescans it asks for; its quiet period never ends in a test.
    private sealed class RootWatch : IDisposable
    {
        private readonly PluginWatcher _watcher;
        private int _rescans;

        private RootWatch(string root) =>
            _watcher = new PluginWatcher(root, TimeSpan.FromHours(1), _ => { }, () => Interlocked.Increment(ref _rescans),
                Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

        public static RootWatch Start(string root)
        {
            var watch = new RootWatch(root);
            watch._watcher.Start();
            return watch;
        }

        public int Rescans => Volatile.Read(ref _rescans);

        // Two more comparisons of the folder at the path: the second began after the first had ended, so after every
        // change made before this was called.
        public Task TwoMoreLooksAsync()
        {
            var checks = _watcher.Checks;
            return Eventually.WaitFor(() => _watcher.Checks >= checks + 2, TimeSpan.FromSeconds(30), because: "the folder at the path is compared every second");
        }

        public void Dispose() => _watcher.Dispose();
    }

    // The plugins folder was told apart by its creation time, which on Linux without birth times (overlay file systems)
    // moves with every entry added or removed: each plugin folder dropped in, removed or renamed was taken for a new
    // plugins folder, rescanned at once past its quiet period, and failed plugins were tried again.
    [Fact]
    public async Task A_plugin_folder_added_removed_or_renamed_inside_is_no_new_plugins_folder_and_a_replaced_one_is()
    {
        var root = Directory.CreateDirectory(Path.Combine(_base.FullName, "plugins")).FullName;
        using var watched = RootWatch.Start(root);

        Directory.CreateDirectory(Path.Combine(root, "Added"));
        File.WriteAllText(Path.Combine(root, "Added", "Added.dll"), "");
        Directory.CreateDirectory(Path.Combine(root, "Removed"));
        Directory.Delete(Path.Combine(root, "Removed"));
        Directory.Move(Path.Combine(root, "Added"), Path.Combine(root, "Renamed"));
        await watched.TwoMoreLooksAsync();
        watched.Rescans.Should().Be(0, "the plugins folder is the same folder, whatever was added to it or removed");

        var next = Directory.CreateDirectory(Path.Combine(_base.FullName, "plugins.next")).FullName;
        await Rename(root, root + ".old");
        await Rename(next, root);
        await Eventually.WaitFor(() => watched.Rescans > 0, TimeSpan.FromSeconds(30), because: "another folder renamed in at the path is followed");
    }

    // Deleted and made again between two looks, a folder took the inode number just freed and looked like the one it
    // replaced: nothing was rescanned and the new folder was never watched. The watched folder is held open now.
    [Fact]
    public async Task A_plugins_folder_deleted_and_made_again_between_two_looks_is_another_folder()
    {
        var root = Directory.CreateDirectory(Path.Combine(_base.FullName, "plugins")).FullName;
        using var watched = RootWatch.Start(root);

        Directory.Delete(root);
        Directory.CreateDirectory(root);
        await watched.TwoMoreLooksAsync();

        watched.Rescans.Should().Be(1, "the folder at the path is another one");
    }

    [Fact]
    public async Task A_plugins_folder_reached_through_a_link_re_pointed_at_a_new_release_is_followed_and_watched_there()
    {
        var current = Path.Combine(_base.FullName, "current");
        Directory.CreateSymbolicLink(current, Release("v1", "V1"));
        await using var harness = await StartAsync(current);
        (await Variant(harness)).Should().Be("v1");

        Directory.CreateSymbolicLink(current + ".next", Release("v2", "V2"));
        await Rename(current + ".next", current);

        await Eventually.WaitFor(() => Variant(harness), v => v == "v2", TimeSpan.FromSeconds(30), "the link now leads to release v2");
        // Watched there: a change inside the new release reloads the plugin.
        PluginSandbox.Copy(Repository.TestPlugin("ReloadProbe.V1"), Path.Combine(_base.FullName, "v2", "ReloadProbe"));
        await Eventually.WaitFor(() => Variant(harness), v => v == "v1", TimeSpan.FromSeconds(30), "a change in the release now watched");
    }

    [Fact]
    public async Task A_plugins_folder_renamed_aside_for_a_new_one_is_followed_and_the_new_one_watched()
    {
        var plugins = Release("plugins", "V1");
        await using var harness = await StartAsync(plugins);
        (await Variant(harness)).Should().Be("v1");

        Release("plugins.new", "V2");
        await Rename(plugins, plugins + ".old");
        await Rename(plugins + ".new", plugins);

        await Eventually.WaitFor(() => Variant(harness), v => v == "v2", TimeSpan.FromSeconds(30), "the folder now at the path holds v2");
        PluginSandbox.Copy(Repository.TestPlugin("ReloadProbe.V1"), Path.Combine(plugins, "ReloadProbe"));
        await Eventually.WaitFor(() => Variant(harness), v => v == "v1", TimeSpan.FromSeconds(30), "a change in the new folder");
    }

    [Fact]
    public async Task A_plugins_folder_deleted_and_created_again_is_loaded_and_watched()
    {
        var plugins = Release("plugins", "V1");
        await using var harness = await StartAsync(plugins);
        (await Variant(harness)).Should().Be("v1");

        // A deploy's `rm -rf` then copy: its plugins are removed with their folders, as any deleted plugin folder is.
        Directory.Delete(plugins, recursive: true);
        await Eventually.WaitFor(() => Variant(harness), v => v is null, TimeSpan.FromSeconds(30), "the plugin's folder was deleted");

        Release("plugins", "V2");
        await Eventually.WaitFor(() => Variant(harness), v => v == "v2", TimeSpan.FromSeconds(30), "the folder is back, with v2");
        PluginSandbox.Copy(Repository.TestPlugin("ReloadProbe.V1"), Path.Combine(plugins, "ReloadProbe"));
        await Eventually.WaitFor(() => Variant(harness), v => v == "v1", TimeSpan.FromSeconds(30), "a change in the folder created again");
    }

    [Fact]
    public async Task A_rescan_of_a_plugins_folder_that_is_gone_removes_its_plugins_and_says_so_without_an_error()
    {
        var plugins = Release("plugins", "V1");
        await using var harness = await CatalogHarness.StartAsync(_ => { }, watch: false, configure: options => options.PluginsDirectory = plugins);
        (await Variant(harness)).Should().Be("v1");

        Directory.Delete(plugins, recursive: true);
        var rescan = () => harness.Catalog.RescanAsync();

        await rescan.Should().NotThrowAsync("a rescan (the watcher's, after it lost events) may come while the folder is replaced");
        (await Variant(harness)).Should().BeNull("the plugin's folder is gone with the plugins folder");
        harness.Logs.All.Should().Contain("does not exist; no plugin is served until it does");
    }
}
