using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Hosting;

/// <summary>A settings file edited while the host runs (read again on change, as ASP.NET Core reads <c>appsettings.json</c>):
/// an edit that cannot be read leaves the settings as they were, and the host says so.</summary>
/// <remarks>The file is <c>appsettings.&lt;environment&gt;.json</c> beside the host's assembly, with an environment name
/// of this test's own, so no other host of the test run reads it.</remarks>
public sealed class SettingsFileEditTests : IDisposable
{
    private readonly string _environment = "SettingsEdit" + Guid.NewGuid().ToString("N")[..8];

    private string SettingsFile => Path.Combine(AppContext.BaseDirectory, $"appsettings.{_environment}.json");

    public void Dispose() => File.Delete(SettingsFile);

    [Fact]
    public async Task A_settings_file_edited_into_text_that_cannot_be_read_keeps_its_last_good_settings_and_the_host_says_so()
    {
        using var sandbox = new PluginSandbox();
        File.WriteAllText(SettingsFile, """{ "Plugins": { "Probe": { "Greeting": "one" } } }""");
        var log = new SharedLog();
        await using var host = await RunningHost.StartAsync(sandbox.Directory, log, "environment=" + _environment);
        var settings = host.Services.GetRequiredService<IConfiguration>();
        settings["Plugins:Probe:Greeting"].Should().Be("one");

        File.WriteAllText(SettingsFile, """{ "Plugins": { "Probe": { "Greeting": "two" } } }""");
        await Eventually.WaitFor(() => settings["Plugins:Probe:Greeting"] == "two", TimeSpan.FromSeconds(30), "a good edit is read again");

        // An editor's save caught half written, or a typo.
        File.WriteAllText(SettingsFile, """{ "Plugins": { "Probe": { "Greeting": "thr""");
        await Eventually.WaitFor(() => log.ToString().Contains("cannot be read") || settings["Plugins:Probe:Greeting"] != "two", TimeSpan.FromSeconds(30),
            "the bad edit is read again");

        settings["Plugins:Probe:Greeting"].Should().Be("two",
            "every setting of a file that cannot be read again was dropped until the next good edit, silently: plugins read none of theirs");
        log.ToString().Should().Contain($"Settings file appsettings.{_environment}.json changed but cannot be read (")
            .And.Contain("the settings it held before stay in force until it can");
    }
}
