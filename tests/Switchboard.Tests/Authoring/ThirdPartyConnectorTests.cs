using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Authoring;

/// <summary>
/// The third-party path end to end: pack the abstractions, install the <c>dotnet new</c> template into a private hive,
/// create a connector outside the solution, restore it from the local feed the repository's nuget.config names, build it,
/// drop its output into a running host and call it over CSP and the SpiffWorkflow proxy.
/// </summary>
public sealed class ThirdPartyConnectorTests : IDisposable
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(3);
    private readonly string _root = Path.Combine(Path.GetTempPath(), "switchboard-tests", "third-party-" + Guid.NewGuid().ToString("N")[..12]);

    [Fact]
    public async Task A_connector_made_from_the_template_is_served_after_a_drop_in()
    {
        Directory.CreateDirectory(_root);
        var hive = Path.Combine(_root, "hive");
        var project = Path.Combine(_root, "Acme.Weather");
        var feed = Path.Combine(Repository.Root, "artifacts", "packages");

        await Run(Repository.Root, "pack", Path.Combine(Repository.Root, "plugin-abstractions"), "-o", feed, "-nodeReuse:false");
        await Run(Repository.Root, "pack", Path.Combine(Repository.Root, "plugin-abstractions", "Testing"), "-o", feed, "-nodeReuse:false");
        await Run(_root, "new", "install", Path.Combine(Repository.Root, "plugin-abstractions", "template"), "--debug:custom-hive", hive);
        await Run(_root, "new", "switchboard-connector", "-n", "Acme.Weather", "-o", project, "--debug:custom-hive", hive);
        WriteNuGetConfig();

        // The generated tests run on the packed Switchboard.Testing, then the connector is built as the author ships it.
        var tests = await Run(project, "test", Path.Combine("tests", "Acme.Weather.Tests"), "-nodeReuse:false");
        tests.Should().MatchRegex(@"Passed!\s+- Failed:\s+0, Passed:\s+3");

        var output = Path.Combine(project, "src", "Acme.Weather", "bin", "plugin", "Acme.Weather");
        Directory.GetFiles(output).Select(Path.GetFileName).Should().Contain("Acme.Weather.dll")
            .And.NotContain(f => f!.StartsWith("Switchboard.") || f.StartsWith("Microsoft.Extensions."),
                "the host provides the contracts; a copy would be a second, incompatible Switchboard.Abstractions");

        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.ShippedPlugin("Calculator"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory);
        sandbox.Add(output, "Acme.Weather");
        await Eventually.WaitFor(() => host.Catalog.Find("acme.weather:greet:1") is not null, because: "the dropped-in plugin loads");

        var csp = await PostJson(host, "/csp/connector", new JsonObject
        {
            ["jsonrpc"] = "2.0", ["id"] = 1, ["method"] = "acme.weather:greet:1",
            ["params"] = new JsonObject { ["input"] = new JsonObject { ["name"] = "Ada", ["shout"] = true } },
        });
        csp["result"]!["output"]!["message"]!.GetValue<string>().Should().Be("HELLO, ADA!", csp.ToJsonString());

        var refused = await PostJson(host, "/csp/connector", new JsonObject
        {
            ["jsonrpc"] = "2.0", ["id"] = 2, ["method"] = "acme.weather:greet:1",
            ["params"] = new JsonObject { ["input"] = new JsonObject { ["name"] = "nobody" } },
        });
        refused["error"]!.ToJsonString().Should().Contain("NobodyToGreet");

        var spiff = await PostJson(host, "/v1/do/acme.weather/Greet", new JsonObject { ["name"] = "Grace", ["greeting"] = "Hi" });
        spiff["command_response"]!["body"]!["message"]!.GetValue<string>().Should().Be("Hi, Grace!");

        var template = await host.Http.GetAsync("/element-templates/acme.weather:greet:1");
        template.StatusCode.Should().Be(HttpStatusCode.OK);
        (await template.Content.ReadAsStringAsync()).Should().Contain("\"id\":\"acme.weather.greet\"");
    }

    /// <summary>The repository's nuget.config beside the project, its local feed made absolute: outside the checkout, NuGet still finds the packed abstractions, and the default source stays as the machine has it.</summary>
    private void WriteNuGetConfig()
    {
        var config = XDocument.Load(Path.Combine(Repository.Root, "nuget.config"));
        foreach (var source in config.Descendants("add"))
        {
            var value = (string?)source.Attribute("value");
            if (value is not null && !value.Contains("://", StringComparison.Ordinal) && !Path.IsPathRooted(value))
                source.SetAttributeValue("value", Path.GetFullPath(Path.Combine(Repository.Root, value)));
        }
        config.Save(Path.Combine(_root, "nuget.config"));
    }

    /// <summary>Runs a dotnet command with a packages folder of its own, so the just-packed 1.0.0 is never shadowed by an older 1.0.0 in the machine's cache.</summary>
    private static async Task<string> Run(string directory, params string[] args)
    {
        var packages = Path.Combine(Repository.Root, "artifacts", "third-party", "packages");
        foreach (var ours in new[] { "switchboard.abstractions", "switchboard.testing" })
            if (Directory.Exists(Path.Combine(packages, ours)))
                Directory.Delete(Path.Combine(packages, ours), recursive: true);
        var (exitCode, output) = await DotnetCli.RunAsync(directory, StepTimeout, new Dictionary<string, string> { ["NUGET_PACKAGES"] = packages }, args);
        exitCode.Should().Be(0, $"dotnet {string.Join(' ', args)} printed:\n{output}");
        return output;
    }

    private static async Task<JsonNode> PostJson(RunningHost host, string path, JsonNode body)
    {
        using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await host.Http.PostAsync(path, content);
        var text = await response.Content.ReadAsStringAsync();
        return JsonNode.Parse(text) ?? throw new InvalidOperationException($"{path} answered {response.StatusCode} with no JSON");
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
