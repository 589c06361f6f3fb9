using System.Diagnostics;
using System.Text.Json.Nodes;
using Switchboard.Abstractions;
using Switchboard.Core;
using Switchboard.Core.Invoking;
using Switchboard.Host.Catalog;
using Switchboard.Host.Invocation;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Catalog;

/// <summary>Each generation loads from its own copy of the plugin's assemblies, so files changed under it (a deploy in
/// progress, the next build) cannot break the calls it still serves; the copies go when they are no longer needed.</summary>
public sealed class GenerationFilesTests
{
    private static Invocation Identify() => new("test.switchboard:probe:1", "identify", new JsonObject { ["echo"] = "x" }, Protocol.InProcess);

    [Fact]
    public async Task A_dependency_first_needed_after_a_deploy_began_overwriting_it_is_loaded_from_the_generations_own_files()
    {
        string folder = "";
        await using var harness = await CatalogHarness.StartAsync(sandbox => folder = sandbox.Add(Repository.TestPlugin("ReloadProbe.V1"), "ReloadProbe"), watch: false);
        // The probe's first call is the first to need Newtonsoft.Json; a deploy has written half of a new copy meanwhile.
        var newtonsoft = Path.Combine(folder, "Newtonsoft.Json.dll");
        var bytes = await File.ReadAllBytesAsync(newtonsoft);
        await File.WriteAllBytesAsync(newtonsoft, bytes[..(bytes.Length / 2)]);

        var outcome = await harness.Pipeline.InvokeAsync(Identify());

        outcome.Error.Should().BeNull("the generation reads its own copy, not the half-written file: {0}", outcome.Error?.Message);
        outcome.Output!["variant"]!.GetValue<string>().Should().Be("v1");
        outcome.Output!["newtonsoft"]!.GetValue<string>().Should().StartWith("13.");
    }

    [Fact]
    public async Task A_generations_copy_holds_only_what_loads_and_is_deleted_once_it_is_unloaded_and_the_rest_when_the_catalog_stops()
    {
        string folder = "";
        var harness = await CatalogHarness.StartAsync(sandbox =>
        {
            folder = sandbox.Add(Repository.TestPlugin("ReloadProbe.V1"), "ReloadProbe");
            File.WriteAllText(Path.Combine(folder, "notes.txt"), "data the plugin reads from its folder");
        }, watch: false, configure: options => options.LateUnloadChecks = Enumerable.Repeat(TimeSpan.FromMilliseconds(250), 80).ToList());
        string root;
        try
        {
            root = harness.Catalog.Files.Root!;
            var first = Path.Combine(root, "ReloadProbe", "1", "ReloadProbe");
            File.Exists(Path.Combine(first, "ReloadProbe.dll")).Should().BeTrue();
            File.Exists(Path.Combine(first, "Newtonsoft.Json.dll")).Should().BeTrue();
            File.Exists(Path.Combine(first, "ReloadProbe.deps.json")).Should().BeTrue();
            File.Exists(Path.Combine(first, "notes.txt")).Should().BeFalse("a data file is read from the plugin's folder");
            (await harness.Pipeline.InvokeAsync(Identify())).Output!["pluginDirectory"]!.GetValue<string>().Should().Be(folder,
                "the plugin is told its own folder, where its data files are");

            PluginSandbox.Copy(Repository.TestPlugin("ReloadProbe.V2"), folder);
            await harness.Catalog.SyncAsync("ReloadProbe", force: true);
            await Eventually.WaitFor(() => Task.FromResult(harness.Plugin("ReloadProbe").PreviousGenerations),
                (IReadOnlyList<GenerationStatus> generations) => generations.Count == 1 && generations[0].State == PluginState.Unloaded, TimeSpan.FromSeconds(40), "generation 1 is unloaded");

            Directory.Exists(Path.Combine(root, "ReloadProbe", "1")).Should().BeFalse("generation 1 is unloaded");
            File.Exists(Path.Combine(root, "ReloadProbe", "2", "ReloadProbe", "ReloadProbe.dll")).Should().BeTrue("generation 2 serves");
        }
        finally
        {
            await harness.DisposeAsync();
        }
        Directory.Exists(root).Should().BeFalse("the catalog stopped");
    }

    [Fact]
    public async Task A_plugin_folder_whose_name_is_as_long_as_a_file_name_may_be_loads_and_reloads()
    {
        var name = new string('c', 255);
        await using var harness = await CatalogHarness.StartAsync(sandbox => sandbox.Add(Repository.ShippedPlugin("Calculator"), name), watch: false);
        harness.Plugin(name).State.Should().Be(PluginState.Loaded, harness.Plugin(name).Reason);

        await harness.Catalog.SyncAsync(name, force: true);

        harness.Plugin(name).Generation.Should().Be(2, harness.Plugin(name).Reason);
        var outcome = await harness.Pipeline.InvokeAsync(new Invocation("io.switchboard:calculator:1", null,
            new JsonObject { ["action"] = "add", ["a"] = 1, ["b"] = 2 }, Protocol.InProcess));
        outcome.Output!["result"]!.GetValue<double>().Should().Be(3);
    }

    [Fact]
    public async Task Copies_left_by_a_killed_host_are_deleted_when_the_next_one_starts_and_a_running_hosts_are_kept()
    {
        using var ended = Process.Start("true")!;
        await ended.WaitForExitAsync();
        using var running = Process.Start("sleep", "60")!;
        var abandoned = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"switchboard-generations-{ended.Id}-test{Guid.NewGuid():N}"));
        File.WriteAllText(Path.Combine(abandoned.FullName, "Plugin.dll"), "left behind");
        var alive = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"switchboard-generations-{running.Id}-test{Guid.NewGuid():N}"));
        try
        {
            await using var harness = await CatalogHarness.StartAsync(sandbox => sandbox.Add(Repository.ShippedPlugin("Calculator")), watch: false);

            harness.Plugin("Calculator").State.Should().Be(PluginState.Loaded);
            Directory.Exists(abandoned.FullName).Should().BeFalse("its process is gone");
            Directory.Exists(alive.FullName).Should().BeTrue("its process still runs");
        }
        finally
        {
            running.Kill();
            alive.Delete(recursive: true);
            if (abandoned.Exists)
                abandoned.Delete(recursive: true);
        }
    }
}
