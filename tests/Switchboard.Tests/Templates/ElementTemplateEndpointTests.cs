using System.Net;
using System.Text.Json.Nodes;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Templates;

/// <summary><c>GET /element-templates</c> on the running host: valid templates with the content Modeler users rely on, following hot reloads.</summary>
public sealed class ElementTemplateEndpointTests : IAsyncLifetime
{
    private readonly TemplatePlugins _plugins = new();
    private RunningHost _host = null!;

    public async Task InitializeAsync() => _host = await RunningHost.StartAsync(_plugins.Sandbox.Directory);

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _plugins.Dispose();
    }

    [Fact]
    public async Task Lists_one_schema_valid_template_per_connector()
    {
        var templates = await GetAsync("/element-templates");

        templates.AsArray().Select(t => (string)t!["id"]!).Should().Equal(
            "io.switchboard.calculator", "io.switchboard.log", "test.switchboard.probe");
        var results = await TemplateSchema.ValidateAsync(templates.AsArray().Select(t => t!));
        results.Values.Should().AllSatisfy(errors => errors.Should().BeEmpty());
    }

    [Fact]
    public async Task Binds_the_task_type_inputs_and_the_runtime_headers()
    {
        var calculator = await GetAsync("/element-templates/io.switchboard:calculator:1");

        Binding(calculator, b => (string?)b["property"] == "type")["value"]!.GetValue<string>().Should().Be("io.switchboard:calculator:1");
        var action = Property(calculator, "action");
        ((string)action["type"]!).Should().Be("Dropdown");
        action["choices"]!.AsArray().Select(c => (string)c!["value"]!).Should().Equal("add", "subtract", "multiply", "divide");
        ((bool)action["constraints"]!["notEmpty"]!).Should().BeTrue();
        var a = Property(calculator, "a");
        ((string)a["type"]!).Should().Be("Number");
        ((string)a["binding"]!["type"]!).Should().Be("zeebe:input");
        ((string)a["binding"]!["name"]!).Should().Be("a");
        ((bool)a["constraints"]!["notEmpty"]!).Should().BeTrue();

        foreach (var header in new[] { "resultVariable", "resultExpression", "errorExpression", "retryBackoff" })
        {
            ((string)Property(calculator, header)["binding"]!["type"]!).Should().Be("zeebe:taskHeader");
            ((string)Property(calculator, header)["binding"]!["key"]!).Should().Be(header);
        }
        ((string)Property(calculator, "retryCount")["binding"]!["property"]!).Should().Be("retries");
        calculator["properties"]!.AsArray().Should().NotContain(p => (string?)p!["id"] == "operation", "a single-operation connector needs no choice");

        var log = await GetAsync("/element-templates/io.switchboard:log:1");
        Property(log, "level")["constraints"].Should().BeNull("level is optional");
        Property(log, "message")["constraints"]!["notEmpty"]!.GetValue<bool>().Should().BeTrue();
    }

    [Fact]
    public async Task A_multi_operation_connector_chooses_its_operation_and_hints_secrets()
    {
        var probe = await GetAsync("/element-templates/test.switchboard:probe:1");

        var operation = Property(probe, "operation");
        ((string)operation["type"]!).Should().Be("Dropdown");
        ((string)operation["binding"]!["type"]!).Should().Be("zeebe:taskHeader");
        ((string)operation["binding"]!["key"]!).Should().Be("operation");
        operation["choices"]!.AsArray().Select(c => (string)c!["value"]!).Should().BeEquivalentTo("identify", "fail", "wait");

        var milliseconds = Property(probe, "wait.milliseconds");
        ((string)milliseconds["binding"]!["name"]!).Should().Be("milliseconds");
        ((string)milliseconds["condition"]!["property"]!).Should().Be("operation");
        ((string)milliseconds["condition"]!["equals"]!).Should().Be("wait");

        var token = Property(probe, "fail.token");
        ((string)token["description"]!).Should().Contain("{{secrets.TOKEN}}");
        ((string)token["condition"]!["equals"]!).Should().Be("fail");
        ((string)Property(probe, "fail.retryable")["type"]!).Should().Be("Boolean");
    }

    [Fact]
    public async Task An_unknown_connector_is_404()
    {
        var response = await _host.Http.GetAsync("/element-templates/no.such:connector:1");

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await response.Content.ReadAsStringAsync()).Should().Contain("no.such:connector:1");
    }

    [Fact]
    public async Task Follows_hot_reloads()
    {
        Directory.Delete(Path.Combine(_plugins.Sandbox.Directory, "Log"), recursive: true);
        await Eventually.WaitFor(() => GetAsync("/element-templates"), list => !list.AsArray().Any(t => (string?)t!["id"] == "io.switchboard.log"));

        (await _host.Http.GetAsync("/element-templates/io.switchboard:log:1")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        _plugins.Sandbox.Add(Repository.ShippedPlugin("Log"));
        await Eventually.WaitFor(() => _host.Http.GetAsync("/element-templates/io.switchboard:log:1"), r => r.StatusCode == HttpStatusCode.OK);
    }

    private async Task<JsonNode> GetAsync(string path)
    {
        var response = await _host.Http.GetAsync(path);
        response.StatusCode.Should().Be(HttpStatusCode.OK, path);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    private static JsonObject Property(JsonNode template, string id) => TemplateJson.Property(template, id);

    private static JsonObject Binding(JsonNode template, Func<JsonObject, bool> match) =>
        template["properties"]!.AsArray().Single(p => match(p!["binding"]!.AsObject()))!.AsObject();
}
