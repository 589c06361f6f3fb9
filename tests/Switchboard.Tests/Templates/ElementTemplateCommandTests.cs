using System.Text.Json.Nodes;
using Switchboard.Host.Templates;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Templates;

/// <summary>The host's <c>templates --out</c> verb, run as a real process the way an operator runs it.</summary>
public sealed class ElementTemplateCommandTests : IClassFixture<TemplatePlugins>, IDisposable
{
    private readonly TemplatePlugins _plugins;
    private readonly List<string> _folders = [];

    public ElementTemplateCommandTests(TemplatePlugins plugins) => _plugins = plugins;

    [Fact]
    public async Task Writes_one_schema_valid_file_per_connector_and_exits_without_serving()
    {
        var output = NewFolder();
        var (exitCode, log) = await RunHostAsync("templates", "--out", output, "--plugins", _plugins.Sandbox.Directory);

        exitCode.Should().Be(0, log);
        Directory.GetFiles(output).Select(Path.GetFileName).Should().BeEquivalentTo(
            "io.switchboard.calculator.json", "io.switchboard.log.json", "test.switchboard.probe.json");
        log.Should().NotContain("Now listening", "the verb must not start the web server")
            .And.NotContain("folder removed", "stopping after the run removes no plugin folder and must not say so");

        var results = await TemplateSchema.ValidateAsync(Directory.GetFiles(output));
        results.Should().HaveCount(3);
        foreach (var (file, errors) in results)
            errors.Should().BeEmpty($"{Path.GetFileName(file)} must satisfy {TemplateSchema.SchemaPackage}");
    }

    [Fact]
    public async Task A_plugin_that_does_not_load_fails_the_run_naming_it_and_the_others_templates_are_written()
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.ShippedPlugin("Calculator"));
        // Its connector's template id is Calculator's: refused at load, naming both.
        sandbox.Add(Repository.TestPlugin("TemplateIdClash"));
        var output = NewFolder();

        var (exitCode, log) = await RunHostAsync("templates", "--out", output, "--plugins", sandbox.Directory);

        exitCode.Should().Be(1, "a script or a CI job must not read a run that left a plugin's templates out as a success: " + log);
        log.Should().Contain("templates: plugin TemplateIdClash did not load");
        Directory.GetFiles(output).Select(Path.GetFileName).Should().Contain("io.switchboard.calculator.json");
    }

    [Fact]
    public async Task A_connector_whose_template_cannot_bind_a_field_fails_the_run_naming_the_field_and_the_others_are_written()
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.TestPlugin("UnbindableFields"));
        var output = NewFolder();

        var (exitCode, log) = await RunHostAsync("templates", "--out", output, "--plugins", sandbox.Directory);

        exitCode.Should().Be(1, "three connectors got no template: " + log);
        log.Should().Contain("templates: field 'x-api-key' cannot be the target of a Zeebe input mapping")
            .And.Contain("templates: field 'instance' cannot be the target")
            .And.Contain("templates: field 'auth.api.key' of operation 'nested' cannot be the target");
        Directory.GetFiles(output).Select(Path.GetFileName).Should().Equal("test.switchboard.bindable.json");
    }

    [Fact]
    public async Task Ids_and_content_are_stable_across_runs()
    {
        var first = NewFolder();
        var second = NewFolder();
        (await RunHostAsync("templates", "--out", first, "--plugins", _plugins.Sandbox.Directory)).ExitCode.Should().Be(0);
        (await RunHostAsync("templates", "--out", second, "--plugins", _plugins.Sandbox.Directory)).ExitCode.Should().Be(0);

        foreach (var file in Directory.GetFiles(first))
            File.ReadAllText(Path.Combine(second, Path.GetFileName(file))).Should().Be(File.ReadAllText(file));
        var calculator = JsonNode.Parse(File.ReadAllText(Path.Combine(first, "io.switchboard.calculator.json")))!;
        ((string)calculator["id"]!).Should().Be("io.switchboard.calculator");
        ((int)calculator["version"]!).Should().Be(101_000_002, "contract 1 of plugin version 1.0.0, generator revision 2");
    }

    [Fact]
    public async Task A_type_too_long_for_a_file_name_and_ids_differing_only_in_case_each_get_a_file_of_their_own()
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.TestPlugin("LongType"));
        var output = NewFolder();

        var (exitCode, log) = await RunHostAsync("templates", "--out", output, "--plugins", sandbox.Directory);

        exitCode.Should().Be(0, log[..Math.Min(log.Length, 3000)]);
        var files = Directory.GetFiles(output).Select(f => Path.GetFileName(f)!).ToList();
        files.Should().HaveCount(3).And.OnlyContain(f => f.Length <= ElementTemplateIds.MaxFileStem + ".json".Length + 9);
        files.Select(f => f.ToLowerInvariant()).Should().OnlyHaveUniqueItems("a file system that ignores case keeps all three");
        var ids = files.Select(f => (string)JsonNode.Parse(File.ReadAllText(Path.Combine(output, f)))!["id"]!).ToList();
        ids.Should().Contain(["test.switchboard.Case", "test.switchboard.case"]).And.Contain(id => id.Length > 100_000 - 100);
    }

    [Fact]
    public async Task An_output_folder_that_cannot_be_written_is_one_line_naming_it()
    {
        var parent = NewFolder();
        Directory.CreateDirectory(parent);
        var file = Path.Combine(parent, "a-file");
        await File.WriteAllTextAsync(file, "");
        var output = Path.Combine(file, "templates");

        var (exitCode, log) = await RunHostAsync("templates", "--out", output, "--plugins", _plugins.Sandbox.Directory);

        exitCode.Should().Be(1, log);
        log.Should().Contain($"templates: cannot write the templates to {output}: ").And.NotContain("   at ");
    }

    [Fact]
    public async Task Without_an_output_folder_it_fails_with_usage()
    {
        var (exitCode, log) = await RunHostAsync("templates", "--plugins", _plugins.Sandbox.Directory);

        exitCode.Should().NotBe(0);
        log.Should().Contain("templates --out <dir>");
    }

    [Fact]
    public async Task A_plugins_folder_that_does_not_exist_is_an_error_not_an_empty_run()
    {
        var output = NewFolder();
        var missing = Path.Combine(Path.GetTempPath(), "switchboard-tests", "missing-" + Guid.NewGuid().ToString("N")[..12]);

        var (exitCode, log) = await RunHostAsync("templates", "--out", output, "--plugins", missing);

        exitCode.Should().Be(2, log);
        log.Should().Contain("does not exist").And.Contain(missing).And.NotContain("   at ");
        Directory.Exists(missing).Should().BeFalse("the folder is not created behind the operator's back");
    }

    [Theory]
    [InlineData("--Switchboard:Catalog:MaxConcurrentCalls=0", "Switchboard:Catalog:MaxConcurrentCalls must be at least 1")]
    [InlineData("--Switchboard:Catalog:LoadTimeout=-00:00:01", "Switchboard:Catalog:LoadTimeout must not be negative")]
    [InlineData("--Switchboard:Catalog:DrainTimeout=soon", "Switchboard:Catalog:DrainTimeout")]
    public async Task A_catalog_setting_that_cannot_work_stops_the_host_with_one_line_naming_it(string setting, string problem)
    {
        var (exitCode, log) = await RunHostAsync("templates", "--out", NewFolder(), "--plugins", _plugins.Sandbox.Directory, setting);

        exitCode.Should().Be(2, log);
        log.Should().Contain(problem).And.NotContain("   at ");
    }

    [Fact]
    public async Task Under_dotnet_run_relative_paths_mean_the_callers_working_directory()
    {
        var caller = NewFolder();
        Directory.CreateDirectory(caller);
        PluginSandbox.Copy(_plugins.Sandbox.Directory, Path.Combine(caller, "my-plugins"));

        var (exitCode, log) = await DotnetCli.RunAsync(caller, TimeSpan.FromMinutes(3), "run", "--no-build", "--project",
            Path.Combine(Repository.Root, "host"), "--", "templates", "--out", "./element-templates", "--plugins", "./my-plugins");

        exitCode.Should().Be(0, log);
        Directory.GetFiles(Path.Combine(caller, "element-templates")).Should().HaveCount(3, log);
    }

    [Fact]
    public async Task The_validator_rejects_a_broken_template()
    {
        // Guards the guard: a Dropdown without choices and a zeebe:input without a name are schema errors.
        var output = NewFolder();
        (await RunHostAsync("templates", "--out", output, "--plugins", _plugins.Sandbox.Directory)).ExitCode.Should().Be(0);
        var template = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "io.switchboard.calculator.json")))!;
        var action = template["properties"]!.AsArray().First(p => (string?)p!["id"] == "action")!.AsObject();
        action.Remove("choices");

        var results = await TemplateSchema.ValidateAsync([template]);

        results.Single().Value.Should().Contain(e => e.Contains("choices"));
    }

    private string NewFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "switchboard-tests", "templates-" + Guid.NewGuid().ToString("N")[..12]);
        _folders.Add(folder);
        return folder;
    }

    public void Dispose()
    {
        foreach (var folder in _folders.Where(Directory.Exists))
            Directory.Delete(folder, recursive: true);
    }

    private static Task<(int ExitCode, string Output)> RunHostAsync(params string[] args) =>
        DotnetCli.RunAsync(Path.GetTempPath(), TimeSpan.FromMinutes(1), [Path.Combine(AppContext.BaseDirectory, "Switchboard.Host.dll"), .. args]);
}
