using System.Text.Json.Nodes;
using Switchboard.Abstractions;
using Switchboard.Host.Catalog;
using Switchboard.Core;
using Switchboard.Core.Invoking;
using Switchboard.Host.Invocation;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Catalog;

public sealed class BadPluginTests
{
    private static async Task ShouldStillServeCalculator(CatalogHarness harness)
    {
        var outcome = await harness.Pipeline.InvokeAsync(new Invocation("io.switchboard:calculator:1", null,
            JsonNode.Parse("""{"action":"subtract","a":5,"b":3}""")!.AsObject(), Protocol.InProcess));
        outcome.Output!["result"]!.GetValue<double>().Should().Be(2);
        harness.Plugin("Calculator").State.Should().Be(PluginState.Loaded);
    }

    [Fact]
    public async Task A_plugin_folder_holding_a_named_pipe_and_a_link_to_an_endless_device_loads_without_reading_either()
    {
        string? log = null;
        // Neither has content to fingerprint: reading the pipe would wait for a writer forever (the catalog, and the
        // host's start, with it), and the device never ends.
        var starting = CatalogHarness.StartAsync(sandbox =>
        {
            sandbox.Add(Repository.ShippedPlugin("Calculator"));
            log = sandbox.Add(Repository.ShippedPlugin("Log"));
            // Named as a data file and as what a load context reads (which the generation's copy takes).
            foreach (var pipe in new[] { "events.pipe", "libevents.so" })
                using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", Path.Combine(log, pipe)))
                    mkfifo.WaitForExit();
            File.CreateSymbolicLink(Path.Combine(log, "zero.bin"), "/dev/zero");
            File.CreateSymbolicLink(Path.Combine(log, "zero.dll"), "/dev/zero");
        }, watch: false);
        await using var harness = await starting.WaitAsync(TimeSpan.FromSeconds(60));

        harness.Plugin("Log").State.Should().Be(PluginState.Loaded, harness.Plugin("Log").Reason);
        harness.Catalog.Find("io.switchboard:log:1").Should().NotBeNull();
        await ShouldStillServeCalculator(harness);
    }

    [Fact]
    public async Task Links_in_a_plugin_folder_that_point_back_up_are_not_followed_and_the_plugins_load()
    {
        // Two links to the folder itself: followed, they made 2^depth paths, and the host never started (1.5 GB and
        // climbing after 46 s). A link to a file is still read as the file.
        var starting = CatalogHarness.StartAsync(sandbox =>
        {
            sandbox.Add(Repository.ShippedPlugin("Calculator"));
            var log = sandbox.Add(Repository.ShippedPlugin("Log"));
            Directory.CreateSymbolicLink(Path.Combine(log, "a"), ".");
            Directory.CreateSymbolicLink(Path.Combine(log, "b"), ".");
            Directory.CreateSymbolicLink(Path.Combine(log, "up"), "..");
        });
        await using var harness = await starting.WaitAsync(TimeSpan.FromSeconds(60));

        harness.Plugin("Log").State.Should().Be(PluginState.Loaded, harness.Plugin("Log").Reason);
        await ShouldStillServeCalculator(harness);
    }

    [Fact]
    public async Task A_plugin_folder_of_more_than_10000_entries_is_refused_naming_the_limit()
    {
        await using var harness = await CatalogHarness.StartAsync(sandbox =>
        {
            sandbox.Add(Repository.ShippedPlugin("Calculator"));
            var crowded = sandbox.Add(Repository.ShippedPlugin("Log"), "Crowded");
            var data = Directory.CreateDirectory(Path.Combine(crowded, "data")).FullName;
            for (var i = 0; i < 10_001; i++)
                File.WriteAllBytes(Path.Combine(data, $"{i}.txt"), []);
        }, watch: false);

        var status = harness.Plugin("Crowded");
        status.State.Should().Be(PluginState.Failed);
        status.Reason.Should().Contain("more than 10000 files and folders");
        await ShouldStillServeCalculator(harness);
    }

    [Fact]
    public async Task A_plugin_built_against_a_newer_abstractions_is_refused_with_the_versions_named()
    {
        await using var harness = await CatalogHarness.StartAsync(sandbox =>
        {
            sandbox.Add(Repository.ShippedPlugin("Calculator"));
            var future = sandbox.Add(Repository.ShippedPlugin("Log"), "FutureLog");
            AssemblyReferencePatcher.SetReferenceVersion(Path.Combine(future, "Log.dll"), "Switchboard.Abstractions", new Version(2, 1, 0, 0));
        }, watch: false);

        var status = harness.Plugin("FutureLog");
        status.State.Should().Be(PluginState.Failed);
        status.Reason.Should().Be("Log.dll was built against Switchboard.Abstractions 2.1.0.0, but this host provides 1.0.0.0; " +
            "rebuild the plugin against Switchboard.Abstractions 1.0.0.0 or run a newer host");
        harness.Catalog.Find("io.switchboard:log:1").Should().BeNull();
        harness.Logs.All.Should().Contain("Plugin FutureLog failed to load and is skipped");
        await ShouldStillServeCalculator(harness);
    }

    [Fact]
    public async Task A_plugin_needing_a_newer_shared_Microsoft_Extensions_assembly_is_refused()
    {
        await using var harness = await CatalogHarness.StartAsync(sandbox =>
        {
            sandbox.Add(Repository.ShippedPlugin("Calculator"));
            var future = sandbox.Add(Repository.ShippedPlugin("Log"), "FutureLog");
            AssemblyReferencePatcher.SetReferenceVersion(Path.Combine(future, "Log.dll"), "Microsoft.Extensions.Logging.Abstractions", new Version(99, 0, 0, 0));
        }, watch: false);

        harness.Plugin("FutureLog").Reason.Should().StartWith("Log.dll was built against Microsoft.Extensions.Logging.Abstractions 99.0.0.0, but this host provides 10.");
        await ShouldStillServeCalculator(harness);
    }

    [Fact]
    public async Task An_older_abstractions_reference_still_loads()
    {
        await using var harness = await CatalogHarness.StartAsync(sandbox =>
        {
            var older = sandbox.Add(Repository.ShippedPlugin("Log"));
            AssemblyReferencePatcher.SetReferenceVersion(Path.Combine(older, "Log.dll"), "Switchboard.Abstractions", new Version(0, 9, 0, 0));
        }, watch: false);

        harness.Plugin("Log").State.Should().Be(PluginState.Loaded);
    }

    [Fact]
    public async Task Corrupt_dll_missing_dependency_throwing_constructor_and_duplicate_type_are_each_reported_and_skipped()
    {
        await using var harness = await CatalogHarness.StartAsync(sandbox =>
        {
            sandbox.Add(Repository.ShippedPlugin("Calculator"));
            var corrupt = Path.Combine(sandbox.Directory, "Corrupt");
            Directory.CreateDirectory(corrupt);
            File.WriteAllText(Path.Combine(corrupt, "Corrupt.dll"), "this is not a portable executable");
            var missing = sandbox.Add(Repository.TestPlugin("NeedsLibrary"));
            File.Delete(Path.Combine(missing, "ProbeLibrary.dll"));
            sandbox.Add(Repository.TestPlugin("ThrowingCtor"));
            sandbox.Add(Repository.ShippedPlugin("Calculator"), "CalculatorCopy");
            Directory.CreateDirectory(Path.Combine(sandbox.Directory, "Empty"));
        }, watch: false);

        harness.Plugin("Corrupt").Reason.Should().Be("Corrupt.dll is not a .NET assembly (bad image format)");
        harness.Plugin("NeedsLibrary").Reason.Should().Contain("ProbeLibrary");
        harness.Plugin("ThrowingCtor").Reason.Should().Be(
            "Switchboard.TestPlugins.ThrowingCtor.ThrowingConnector: constructor threw InvalidOperationException: configuration value 'endpoint' is missing");
        harness.Plugin("CalculatorCopy").Reason.Should().Be("connector type 'io.switchboard:calculator:1' is already served by plugin 'Calculator'");
        harness.Plugin("Empty").Reason.Should().Be("the folder holds no .dll");
        harness.Catalog.Plugins.Where(p => p.Name != "Calculator").Should().OnlyContain(p => p.State == PluginState.Failed);
        await ShouldStillServeCalculator(harness);
    }

    // A .deps.json the runtime's native resolver reads with the wrong types ended the host process (std::logic_error,
    // abort), every plugin with it; each is now the plugin's own failure, naming the member.
    [Theory]
    [InlineData("no runtimeTarget", "runtimeTarget is missing")]
    [InlineData("runtimeTarget name a number", "runtimeTarget.name must be a string, not a number")]
    [InlineData("libraries a string", "libraries must be an object, not a string")]
    [InlineData("library a number", "libraries.\"Calculator/1.0.0\" must be an object, not a number")]
    [InlineData("library type a number", "libraries.\"Calculator/1.0.0\".type must be a string, not a number")]
    [InlineData("package an array", "targets.\".NETCoreApp,Version=v8.0\".\"Calculator/1.0.0\" must be an object, not an array")]
    [InlineData("runtime asset a string", "targets.\".NETCoreApp,Version=v8.0\".\"Calculator/1.0.0\".runtime.\"Calculator.dll\" must be an object, not a string")]
    [InlineData("runtimeTargets without rid", "targets.\".NETCoreApp,Version=v8.0\".\"Calculator/1.0.0\".runtimeTargets.\"x.so\" has no rid")]
    [InlineData("an array", "the file must hold a JSON object, not an array")]
    public async Task A_deps_json_of_the_wrong_shape_fails_its_plugin_naming_the_member_and_the_host_serves_on(string change, string problem)
    {
        await using var harness = await CatalogHarness.StartAsync(sandbox =>
        {
            sandbox.Add(Repository.ShippedPlugin("Calculator"));
            var bad = sandbox.Add(Repository.ShippedPlugin("Calculator"), "BadDeps");
            var path = Path.Combine(bad, "Calculator.deps.json");
            var deps = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
            var package = deps["targets"]![".NETCoreApp,Version=v8.0"]!.AsObject();
            JsonNode written = deps;
            switch (change)
            {
                case "no runtimeTarget": deps.Remove("runtimeTarget"); break;
                case "runtimeTarget name a number": deps["runtimeTarget"]!["name"] = 5; break;
                case "libraries a string": deps["libraries"] = "x"; break;
                case "library a number": deps["libraries"]!["Calculator/1.0.0"] = 5; break;
                case "library type a number": deps["libraries"]!["Calculator/1.0.0"]!["type"] = 7; break;
                case "package an array": package["Calculator/1.0.0"] = new JsonArray(); break;
                case "runtime asset a string": package["Calculator/1.0.0"]!["runtime"]!["Calculator.dll"] = "x"; break;
                case "runtimeTargets without rid":
                    package["Calculator/1.0.0"]!["runtimeTargets"] = new JsonObject { ["x.so"] = new JsonObject { ["assetType"] = "native" } };
                    break;
                case "an array": written = new JsonArray(); break;
            }
            File.WriteAllText(path, written.ToJsonString());
        }, watch: false);

        harness.Plugin("BadDeps").State.Should().Be(PluginState.Failed);
        harness.Plugin("BadDeps").Reason.Should().Be("Calculator.deps.json: " + problem);
        await ShouldStillServeCalculator(harness);
    }
}
