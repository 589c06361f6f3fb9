using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Authoring;

/// <summary>
/// The third-party path end to end, as the README tells it: its "Write a connector" commands (pack, install the
/// template, create a project beside the checkout, test, build) run exactly as written in a copy of the checkout;
/// then the built folder is dropped into a running host and called over CSP and the SpiffWorkflow proxy.
/// </summary>
public sealed class ThirdPartyConnectorTests : IDisposable
{
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromMinutes(8);
    private readonly string _root = Path.Combine(Path.GetTempPath(), "switchboard-tests", "third-party-" + Guid.NewGuid().ToString("N")[..12]);

    [Fact]
    public async Task The_READMEs_author_steps_work_as_written_and_the_connector_is_served_after_a_drop_in()
    {
        var checkout = Path.Combine(_root, "switchboard");
        CopyCheckout(checkout);
        ForgetEarlierPacks();
        var hive = Path.Combine(_root, "hive");
        // The README's lines as they are; only `dotnet new` gets a private template hive, so the test leaves the machine's templates alone.
        var script = string.Join("\n", AuthorSteps().Select(line => line.StartsWith("dotnet new ", StringComparison.Ordinal)
            ? $"{line} --debug:custom-hive '{hive}'"
            : line));

        var (exitCode, output) = await DotnetCli.RunScriptAsync(checkout, ScriptTimeout, script);

        exitCode.Should().Be(0, $"the README's steps ran:\n{script}\nand printed:\n{output}");
        output.Should().MatchRegex(@"Passed!\s+- Failed:\s+0, Passed:\s+3", "the generated tests ran on the packed Switchboard.Testing");
        var project = Path.Combine(_root, "Acme.Weather");
        File.ReadAllText(Path.Combine(project, "nuget.config")).Should().Contain(Path.Combine(checkout, "artifacts", "packages"));

        // An inbound connector through the same packed kit: its FEEL-valued property and the FEEL evaluator it is given
        // need the engine the core's package carries.
        File.WriteAllText(Path.Combine(project, "tests", "Acme.Weather.Tests", "InboundKitTests.cs"), InboundKitTest);
        var (inboundExit, inboundOutput) = await DotnetCli.RunScriptAsync(project, ScriptTimeout, "dotnet test tests/Acme.Weather.Tests");
        inboundExit.Should().Be(0, inboundOutput);
        inboundOutput.Should().MatchRegex(@"Passed!\s+- Failed:\s+0, Passed:\s+4", "the inbound test ran beside the generated ones");
        var built = Path.Combine(project, "src", "Acme.Weather", "bin", "plugin", "Acme.Weather");
        Directory.GetFiles(built).Select(Path.GetFileName).Should().Contain("Acme.Weather.dll")
            .And.NotContain(f => f!.StartsWith("Switchboard.") || f.StartsWith("Microsoft.Extensions."),
                "the host provides the contracts; a copy would be a second, incompatible Switchboard.Abstractions");

        // Steps 5 and 6: the drop-in and the calls.
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.ShippedPlugin("Calculator"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory);
        sandbox.Add(built, "Acme.Weather");
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

    // A poller whose structured property is FEEL, as a BPMN element may hold it, and which asks the host's evaluator too.
    private const string InboundKitTest = """
        using Switchboard.Abstractions;
        using Switchboard.Abstractions.Inbound;
        using Switchboard.Testing;

        namespace Acme.Weather.Tests;

        public sealed class PageFilter
        {
            [Parameter("page")]
            public int Page { get; set; }
        }

        public sealed class PagesProperties
        {
            [Parameter("filter")]
            public PageFilter? Filter { get; set; }
        }

        [InboundConnector("acme.weather:pages:1")]
        public sealed class PagesPoller : IPollingConnector<PagesProperties>
        {
            public Task<PollResult> PollAsync(PagesProperties properties, string? cursor, IInboundContext context) =>
                Task.FromResult(PollResult.Of([new { page = properties.Filter?.Page, sum = context.Get<IExpressionEvaluator>()?.Evaluate("=1 + 2", null)?.ToJsonString() }], "next"));
        }

        public sealed class InboundKitTests
        {
            [Fact]
            public async Task A_poller_binds_FEEL_properties_and_evaluates_FEEL_as_the_host_does()
            {
                var poll = await InboundHarness.For<PagesPoller>(new Dictionary<string, string> { ["filter"] = "={page: 3}" }).PollAsync();

                var polled = poll.Events.Single()!;
                Assert.Equal(3, polled["page"]!.GetValue<int>());
                Assert.Equal("3", polled["sum"]!.GetValue<string>());
                Assert.Equal("next", poll.Cursor);
            }
        }
        """;

    /// <summary>Steps 1 to 4 of the README's "Write a connector" block: every command line up to the drop-in.</summary>
    private static IEnumerable<string> AuthorSteps()
    {
        var readme = File.ReadAllText(Path.Combine(Repository.Root, "README.md"));
        var section = readme[readme.IndexOf("## Write a connector", StringComparison.Ordinal)..];
        var block = section[(section.IndexOf("```sh\n", StringComparison.Ordinal) + 6)..];
        block = block[..block.IndexOf("```", StringComparison.Ordinal)];
        return block.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))
            .TakeWhile(l => !l.StartsWith("cp ", StringComparison.Ordinal));
    }

    /// <summary>What an author's checkout holds for these steps: the abstractions and the kit, the core the kit is built on
    /// (with the FEEL engine it carries), the build settings.</summary>
    private static void CopyCheckout(string to)
    {
        foreach (var folder in new[] { "plugin-abstractions", Path.Combine("host", "Core"), Path.Combine("host", "Feel") })
            Repository.CopySources(Path.Combine(Repository.Root, folder), Path.Combine(to, folder));
        foreach (var file in new[] { "Directory.Build.props", "nuget.config", "README.md" })
            File.Copy(Path.Combine(Repository.Root, file), Path.Combine(to, file));
    }

    /// <summary>This test packs Switchboard.* 1.0.0 afresh; an earlier run's copy in the shared NuGet folder would shadow it (the README says the same to authors).</summary>
    private static void ForgetEarlierPacks()
    {
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } set
            ? set
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (var ours in new[] { "switchboard.abstractions", "switchboard.core", "switchboard.testing" })
        {
            var version = Path.Combine(packages, ours, "1.0.0");
            if (Directory.Exists(version))
                Directory.Delete(version, recursive: true);
        }
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
