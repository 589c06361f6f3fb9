using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Switchboard.Tests.Csp;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Templates;

/// <summary>A connector field Zeebe cannot bind as an input mapping's target (a hyphen, a FEEL reserved word, a '.' in one
/// name) gave an element template whose process Zeebe refused to deploy, or whose field never reached the connector. Its
/// template is now withheld, naming the field; the connector still serves CSP and Spiff callers.</summary>
public sealed class UnbindableFieldTests : IAsyncLifetime
{
    private readonly PluginSandbox _sandbox = new();
    private RunningHost _host = null!;

    public async Task InitializeAsync()
    {
        _sandbox.Add(Repository.ShippedPlugin("Calculator"));
        _sandbox.Add(Repository.TestPlugin("UnbindableFields"));
        _host = await RunningHost.StartAsync(_sandbox.Directory);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _sandbox.Dispose();
    }

    // Zeebe's own deployment check of a mapping target, written from its rules rather than taken from ours: a path of
    // names of ASCII letters, digits and '_' that start with a letter, the whole not a FEEL reserved word.
    private static readonly Regex ZeebePath = new(@"^[a-zA-Z][a-zA-Z0-9_]*(\.[a-zA-Z][a-zA-Z0-9_]*)*$");
    private static readonly string[] ZeebeReserved = ["null", "true", "false", "function", "if", "then", "else", "for", "between", "instance", "of"];

    [Fact]
    public async Task Every_listed_template_binds_only_targets_Zeebe_deploys_and_the_others_are_left_out()
    {
        var templates = JsonNode.Parse(await _host.Http.GetStringAsync("/element-templates"))!.AsArray();

        templates.Select(t => (string)t!["id"]!).Should().BeEquivalentTo("io.switchboard.calculator", "test.switchboard.bindable");
        var targets = templates.SelectMany(t => t!["properties"]!.AsArray()).Select(p => p!["binding"]!)
            .Where(b => (string)b["type"]! == "zeebe:input").Select(b => (string)b["name"]!).ToList();
        targets.Should().Contain(["server.instance", "api_key_2"]);
        targets.Should().OnlyContain(t => ZeebePath.IsMatch(t) && !ZeebeReserved.Contains(t), "Zeebe refuses a process with any other");
    }

    [Theory]
    [InlineData("test.switchboard:instance:1", "field 'instance' cannot be the target of a Zeebe input mapping: 'instance' is one of FEEL's reserved words")]
    [InlineData("test.switchboard:hyphen:1", "field 'x-api-key' cannot be the target of a Zeebe input mapping: Zeebe takes only names of ASCII letters, digits and '_' that start with a letter, not 'x-api-key'")]
    [InlineData("test.switchboard:dotted:1", "field 'auth.api.key' of operation 'nested' cannot be the target of a Zeebe input mapping: Zeebe reads the '.' in 'api.key' as a path into an object")]
    public async Task A_connectors_template_that_cannot_bind_a_field_is_refused_naming_it(string type, string problem)
    {
        using var response = await _host.Http.GetAsync("/element-templates/" + type);

        response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        var detail = (string)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["detail"]!;
        detail.Should().StartWith(problem).And.Contain($"connector '{type}' has no element template (CSP and Spiff callers are not affected)");
    }

    [Fact]
    public async Task Such_a_connector_still_serves_CSP_callers_its_field_by_name()
    {
        var answer = await _host.Http.PostAsync(CspCall.Request(1, "test.switchboard:hyphen:1", new JsonObject { ["x-api-key"] = "k-123" }));

        answer.Result.Should().NotBeNull(answer.ToString());
        answer.Text.Should().Contain("k-123");
    }
}
