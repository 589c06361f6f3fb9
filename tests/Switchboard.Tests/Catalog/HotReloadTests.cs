using System.Diagnostics;
using System.Text.Json.Nodes;
using Switchboard.Abstractions;
using Switchboard.Host.Catalog;
using Switchboard.Core;
using Switchboard.Core.Invoking;
using Switchboard.Host.Invocation;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Catalog;

public sealed class HotReloadTests : IAsyncLifetime
{
    private CatalogHarness _harness = null!;
    private string ProbeFolder => Path.Combine(_harness.Sandbox.Directory, "ReloadProbe");

    // A generation still referenced when the unload timeout ends is looked at again often: on a machine busy with the
    // rest of the suite, what held it (the probe's timer, a call just finished) can let go a little later, as the host
    // reports ("unloaded late"). One that never lets go still fails below.
    public async Task InitializeAsync() =>
        _harness = await CatalogHarness.StartAsync(sandbox => sandbox.Add(Repository.TestPlugin("ReloadProbe.V1"), "ReloadProbe"),
            configure: options => options.LateUnloadChecks = Enumerable.Repeat(TimeSpan.FromMilliseconds(250), 80).ToList());

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    private async Task<string?> Variant()
    {
        var outcome = await _harness.Pipeline.InvokeAsync(new Invocation("test.switchboard:probe:1", "identify", new JsonObject(), Protocol.InProcess));
        return outcome.Output?["variant"]?.GetValue<string>();
    }

    private Task WaitForVariant(string? expected, string because) =>
        Eventually.WaitFor(Variant, v => v == expected, because: because);

    private async Task OldGenerationsUnload()
    {
        await Eventually.WaitFor(() => Task.FromResult(_harness.Catalog.Plugins.SelectMany(p => p.PreviousGenerations).ToList()),
            gens => gens.Count > 0 && gens.All(g => g.State == PluginState.Unloaded), TimeSpan.FromSeconds(40),
            "the old context must be collected even though the plugin used Newtonsoft on its own types and ran a timer");
    }

    [Fact]
    public async Task A_copy_refused_for_serving_the_same_type_takes_over_once_the_old_folder_is_removed()
    {
        // A deploy that copies the new build into a new folder, then removes the old one.
        PluginSandbox.Copy(Repository.TestPlugin("ReloadProbe.V2"), Path.Combine(_harness.Sandbox.Directory, "ReloadProbeNext"));
        await Eventually.WaitFor(() => Task.FromResult(_harness.Catalog.Plugins.FirstOrDefault(p => p.Name == "ReloadProbeNext")),
            p => p is { State: PluginState.Failed }, because: "the copy serves a type the old folder serves");
        (await Variant()).Should().Be("v1");

        Directory.Delete(ProbeFolder, recursive: true);

        await WaitForVariant("v2", "the copy is loaded again once nothing else serves its type");
        _harness.Plugin("ReloadProbeNext").State.Should().Be(PluginState.Loaded);
    }

    [Fact]
    public async Task In_place_overwrite_switches_to_the_new_build()
    {
        (await Variant()).Should().Be("v1");

        PluginSandbox.Copy(Repository.TestPlugin("ReloadProbe.V2"), ProbeFolder);

        await WaitForVariant("v2", "the overwritten plugin is reloaded");
        // At least one reload: on a loaded machine the copy can outlast the 300 ms quiet period, and the half-copied
        // folder is loaded (or refused) once before the whole copy is.
        _harness.Plugin("ReloadProbe").Generation.Should().BeGreaterThanOrEqualTo(2);
        await OldGenerationsUnload();
    }

    [Fact]
    public async Task Once_the_catalog_reports_the_new_generation_calls_reach_it()
    {
        // The load counter is recorded right after the catalog lists the new generation: checked there, a listing
        // that runs ahead of the routing (a call reaching generation 1 while generation 2 is reported) shows.
        var mismatches = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "switchboard.plugin.loads")
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, _, _, _) =>
        {
            var listed = _harness.Catalog.Plugins.SingleOrDefault(p => p.Name == "ReloadProbe")?.Generation;
            using var lease = _harness.Catalog.Acquire("test.switchboard:probe:1");
            if (listed is { } generation && lease is not null && lease.Generation.Number != generation)
                mismatches.Enqueue($"listed generation {generation}, calls reach generation {lease.Generation.Number}");
        });
        listener.Start();

        PluginSandbox.Copy(Repository.TestPlugin("ReloadProbe.V2"), ProbeFolder);
        await WaitForVariant("v2", "the overwritten plugin is reloaded");

        mismatches.Should().BeEmpty();
    }

    [Fact]
    public async Task Atomic_rename_deploy_is_picked_up()
    {
        var staged = Path.Combine(ProbeFolder, "ReloadProbe.dll.new");
        File.Copy(Path.Combine(Repository.TestPlugin("ReloadProbe.V2"), "ReloadProbe.dll"), staged);
        await Task.Delay(1000); // let any reload caused by the staged file settle first
        (await Variant()).Should().Be("v1");

        File.Move(staged, Path.Combine(ProbeFolder, "ReloadProbe.dll"), overwrite: true);

        await WaitForVariant("v2", "the rename alone triggers the reload");
        await OldGenerationsUnload();
    }

    [Fact]
    public async Task Delete_then_create_serves_the_new_build()
    {
        Directory.Delete(ProbeFolder, recursive: true);
        await WaitForVariant(null, "the deleted plugin's connector goes away");

        _harness.Sandbox.Add(Repository.TestPlugin("ReloadProbe.V2"), "ReloadProbe");

        await WaitForVariant("v2", "the re-created folder is loaded");
    }

    [Fact]
    public async Task A_new_folder_adds_its_connectors_and_a_removed_folder_removes_them()
    {
        var changes = new List<CatalogChange>();
        _harness.Catalog.Changed += change => { lock (changes) changes.Add(change); };

        _harness.Sandbox.Add(Repository.ShippedPlugin("Calculator"));
        await Eventually.WaitFor(() => _harness.Catalog.Find("io.switchboard:calculator:1") is not null, because: "the new folder is loaded");

        Directory.Delete(ProbeFolder, recursive: true);
        await Eventually.WaitFor(() => _harness.Catalog.Find("test.switchboard:probe:1") is null, because: "the removed folder's connector goes");

        lock (changes)
        {
            changes.Should().ContainSingle(c => c.PluginName == "Calculator" && c.Added.Single().Type == "io.switchboard:calculator:1");
            changes.Should().ContainSingle(c => c.PluginName == "ReloadProbe" && c.Removed.Single().Type == "test.switchboard:probe:1");
        }
        // A removed plugin stays listed while it unloads and for good if it leaks, so leaving the listing proves the unload.
        await Eventually.WaitFor(() => _harness.Catalog.Plugins.All(p => p.Name != "ReloadProbe"), because: "an unloaded removed plugin leaves the listing");
    }

    [Fact]
    public async Task In_flight_calls_finish_on_the_old_generation_while_new_calls_reach_the_new_one()
    {
        // Held until the test releases it, however long the reload takes: a fixed wait raced a slow reload.
        var release = Path.Combine(Path.GetTempPath(), $"switchboard-release-{Guid.NewGuid():N}");
        // The call takes its lease on the serving generation before InvokeAsync first yields.
        var slow = _harness.Pipeline.InvokeAsync(new Invocation("test.switchboard:probe:1", "wait",
            new JsonObject { ["releaseFile"] = release }, Protocol.InProcess) { Timeout = TimeSpan.FromMinutes(2) });

        PluginSandbox.Copy(Repository.TestPlugin("ReloadProbe.V2"), ProbeFolder);
        await WaitForVariant("v2", "new calls go to the new generation");
        slow.IsCompleted.Should().BeFalse("the old generation's call is still running");
        _harness.Catalog.Plugins.Single().PreviousGenerations.Single().State.Should().Be(PluginState.Draining);

        await File.WriteAllTextAsync(release, "");
        var finished = await slow;
        File.Delete(release);
        finished.Error.Should().BeNull();
        finished.Output!["variant"]!.GetValue<string>().Should().Be("v1");
        await OldGenerationsUnload();
    }

    [Fact]
    public async Task A_dotnet_build_writing_into_the_folder_ends_with_the_new_build_serving()
    {
        var project = Path.Combine(Repository.Root, "tests", "plugins", "ReloadProbe.V2", "ReloadProbe.V2.csproj");
        var build = Process.Start(new ProcessStartInfo("dotnet", ["build", project, "--nologo", "-v", "q", $"-p:OutDir={ProbeFolder}/"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = await build.StandardOutput.ReadToEndAsync();
        await build.WaitForExitAsync();
        build.ExitCode.Should().Be(0, output);

        await WaitForVariant("v2", "the build's output is loaded once the folder is quiet");
        _harness.Plugin("ReloadProbe").State.Should().Be(PluginState.Loaded);
    }
}
