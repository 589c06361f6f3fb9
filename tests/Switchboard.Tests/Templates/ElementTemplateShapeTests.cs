using System.Text.Json.Nodes;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Templates;

/// <summary>Inputs of every shape (nested objects, secrets, lists, maps, defaults, allowed values, several operations) render as valid templates.</summary>
public sealed class ElementTemplateShapeTests : IAsyncLifetime
{
    private readonly PluginSandbox _sandbox = new();
    private RunningHost _host = null!;

    public async Task InitializeAsync()
    {
        _sandbox.Add(Repository.TestPlugin("TemplateFixture"));
        _sandbox.Add(Repository.TestPlugin("SpiffFixture"));
        _host = await RunningHost.StartAsync(_sandbox.Directory);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _sandbox.Dispose();
    }

    [Fact]
    public async Task Every_fixture_template_is_schema_valid()
    {
        var templates = JsonNode.Parse(await _host.Http.GetStringAsync("/element-templates"))!.AsArray();

        templates.Should().HaveCount(2);
        var results = await TemplateSchema.ValidateAsync(templates.Select(t => t!));
        results.Values.Should().AllSatisfy(errors => errors.Should().BeEmpty());
    }

    [Fact]
    public async Task Nested_objects_flatten_into_dotted_bindings()
    {
        var mailer = await MailerAsync();

        ((string)mailer["id"]!).Should().Be("test.switchboard.mailer", "the type's version suffix moves into version");
        ((int)mailer["version"]!).Should().Be(201_000_002, "contract 2 of plugin version 1.0.0, generator revision 2 (see ElementTemplateVersion)");
        ((string)mailer["documentationRef"]!).Should().Be("https://example.com/docs/mailer");

        var host = Property(mailer, "server.host");
        ((string)host["binding"]!["name"]!).Should().Be("server.host");
        ((string)host["label"]!).Should().Be("Server: Host");
        ((bool)host["constraints"]!["notEmpty"]!).Should().BeTrue();
        ((int)Property(mailer, "server.port")["value"]!).Should().Be(25);
        ((string)Property(mailer, "server.security")["value"]!).Should().Be("startTls");
        Property(mailer, "login.user")["constraints"].Should().BeNull("login is optional, so its required fields are only required once it is given");
    }

    [Fact]
    public async Task Secrets_are_hinted_and_structured_values_take_feel()
    {
        var mailer = await MailerAsync();

        var apiKey = Property(mailer, "login.apiKey");
        ((string)apiKey["description"]!).Should().Contain("{{secrets.LOGIN_API_KEY}}");
        ((string)apiKey["placeholder"]!).Should().Be("{{secrets.LOGIN_API_KEY}}");
        foreach (var id in new[] { "to", "headers" })
        {
            ((string)Property(mailer, id)["type"]!).Should().Be("Text");
            ((string)Property(mailer, id)["feel"]!).Should().Be("required");
        }
        ((string)Property(mailer, "body")["type"]!).Should().Be("Text", "the parameter is multiline");
        ((bool)Property(mailer, "html")["value"]!).Should().BeTrue();
        var importance = Property(mailer, "importance");
        ((string)importance["type"]!).Should().Be("Dropdown");
        importance["choices"]!.AsArray().Select(c => (string)c!["value"]!).Should().Equal("low", "normal", "high");
    }

    private async Task<JsonNode> MailerAsync() =>
        JsonNode.Parse(await _host.Http.GetStringAsync("/element-templates/test.switchboard:mailer:2"))!;

    private static JsonObject Property(JsonNode template, string id) => TemplateJson.Property(template, id);
}
