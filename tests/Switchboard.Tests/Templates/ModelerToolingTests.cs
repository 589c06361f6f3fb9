using System.Text.Json.Nodes;
using System.Xml.Linq;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Templates;

/// <summary>Every template the shipped plugins give, checked with Camunda Modeler's own tooling: its template validator,
/// and its linter on the diagram the Modeler exports for a task the template is applied to, for every Camunda version
/// the template's <c>engines</c> claims.</summary>
[Collection(ExternalToolsCollection.Name)]
public sealed class ModelerToolingTests : IAsyncLifetime
{
    private readonly PluginSandbox _sandbox = new();
    private RunningHost _host = null!;

    public async Task InitializeAsync()
    {
        foreach (var plugin in new[] { "Calculator", "Http", "Log", "Smtp", "Webhook", "RandomNumber" })
            _sandbox.Add(Repository.ShippedPlugin(plugin));
        _sandbox.Add(Repository.TestPlugin("TemplateFixture"));
        _host = await RunningHost.StartAsync(_sandbox.Directory);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _sandbox.Dispose();
    }

    private async Task<List<JsonObject>> TemplatesAsync() =>
        JsonNode.Parse(await _host.Http.GetStringAsync("/element-templates"))!.AsArray().Select(t => t!.AsObject()).ToList();

    [Fact]
    public async Task The_Modelers_validator_accepts_every_template()
    {
        var templates = await TemplatesAsync();

        var results = await ModelerTooling.ValidateAsync(templates);

        results.Should().HaveCount(templates.Count);
        results.Should().AllSatisfy(r => r.Value.Should().BeEmpty(r.Key));
        templates.Should().AllSatisfy(t => ((string)t["engines"]!["camunda"]!).Should().MatchRegex(@"^\^8\.\d+$", (string)t["id"]!),
            "every template, outbound and inbound, says which Camunda versions it works with");
    }

    [Fact]
    public async Task The_diagram_of_every_template_lints_clean_for_every_version_its_engines_claim()
    {
        var templates = await TemplatesAsync();
        templates.Select(t => (string)t["id"]!).Should().Contain(["io.switchboard.http", "io.switchboard.smtp", "io.switchboard.calculator",
            "io.camunda.webhook.start-event", "io.camunda.webhook.boundary", "io.camunda.webhook.receive-task", "io.camunda.http-polling.intermediate"]);

        var diagrams = new Dictionary<string, XDocument>();
        await using (var modeler = await ModelerInBrowser.StartAsync())
            foreach (var template in templates)
                foreach (var version in ModelerTooling.ClaimedVersions(template))
                    diagrams[$"{template["id"]} for Camunda {version}"] = await modeler.ApplyAsync(template, version, fillRequired: true);
        var results = await ModelerTooling.LintAsync(diagrams);

        results.Should().HaveCount(diagrams.Count);
        results.Should().AllSatisfy(r => r.Value.Should().BeEmpty(r.Key + ": " + diagrams[r.Key]));
        results.Keys.Should().Contain("io.switchboard.http for Camunda 8.0", "the Http template leaves no empty mapping behind, so it claims 8.0");
    }

    [Fact]
    public async Task Optional_text_inputs_export_no_mapping_and_the_engines_say_so()
    {
        var http = (await TemplatesAsync()).Single(t => (string)t["id"]! == "io.switchboard.http");

        ((string)http["engines"]!["camunda"]!).Should().Be("^8.0");
        var username = http["properties"]!.AsArray().Single(p => (string?)p!["id"] == "basic_auth_username")!;
        ((bool)username["optional"]!).Should().BeTrue();
        var url = http["properties"]!.AsArray().Single(p => (string?)p!["id"] == "url")!;
        url["optional"].Should().BeNull("a required field is never left out");
        http["properties"]!.AsArray().Should().Contain(p => (string?)p!["binding"]!["key"] == "jobTimeout", "the worker honours a jobTimeout header");
    }

    [Fact]
    public async Task Fields_the_operations_share_are_written_once_as_in_Camundas_REST_template()
    {
        var http = (await TemplatesAsync()).Single(t => (string)t["id"]! == "io.switchboard.http");
        var inputs = http["properties"]!.AsArray().Select(p => p!.AsObject())
            .Where(p => (string?)p["binding"]!["type"] == "zeebe:input").ToList();

        inputs.Should().OnlyHaveUniqueItems(p => (string)p["binding"]!["name"]!, "each field of the six methods appears once");
        var url = inputs.Single(p => (string)p["binding"]!["name"]! == "url");
        ((string)url["id"]!).Should().Be("url");
        url["condition"].Should().BeNull("every method has a URL");
        var data = inputs.Single(p => (string)p["binding"]!["name"]! == "data");
        data["condition"]!["oneOf"]!.AsArray().Select(o => (string)o!).Should().Equal("post", "put", "patch", "delete");
        http["properties"]!.AsArray().Should().HaveCount(17, "57 when each method repeated every field");
    }

    [Fact]
    public async Task Values_typed_under_the_per_operation_field_ids_of_earlier_templates_survive_the_Modelers_update()
    {
        var http = (await TemplatesAsync()).Single(t => (string)t["id"]! == "io.switchboard.http");
        var earlier = PerOperationLayout(http);

        XDocument diagram;
        await using (var modeler = await ModelerInBrowser.StartAsync())
            diagram = await modeler.ApplyAsync(earlier, "8.8", new Dictionary<string, string>
            {
                ["operation"] = "post",
                ["post.url"] = "https://example.test/orders",
                ["post.data"] = "={a: 1}",
            }, updateTo: http);

        XNamespace zeebe = "http://camunda.org/schema/zeebe/1.0";
        var task = diagram.Descendants().Single(e => (string?)e.Attribute("id") == "task");
        ((int)task.Attribute(zeebe + "modelerTemplateVersion")!).Should().Be((int)http["version"]!, "the task now uses the newer template");
        var inputs = task.Descendants(zeebe + "input").ToDictionary(i => (string)i.Attribute("target")!, i => (string?)i.Attribute("source"));
        inputs.Should().Contain("url", "https://example.test/orders", "the field changed its id (post.url to url), not its binding");
        inputs.Should().Contain("data", "={a: 1}");
        task.Descendants(zeebe + "header").Should().Contain(h => (string)h.Attribute("key")! == "operation" && (string)h.Attribute("value")! == "post");
    }

    // The Http template as generator revision 1 laid it out, one version lower: every input the operations share
    // repeated per operation, with the id "<operation>.<binding>" and shown for that operation only.
    private static JsonObject PerOperationLayout(JsonObject template)
    {
        var earlier = template.DeepClone().AsObject();
        earlier["version"] = (int)template["version"]! - 1;
        var all = template["properties"]!.AsArray().Single(p => (string?)p!["id"] == "operation")!["choices"]!.AsArray().Select(c => (string)c!["value"]!).ToList();
        var properties = new JsonArray();
        foreach (var property in template["properties"]!.AsArray().Select(p => p!.AsObject()))
        {
            var condition = property["condition"];
            var shared = (string?)property["binding"]!["type"] == "zeebe:input"
                && (condition is null || ((string?)condition["property"] == "operation" && condition["oneOf"] is not null));
            if (!shared)
            {
                properties.Add(property.DeepClone());
                continue;
            }
            foreach (var operation in condition?["oneOf"]!.AsArray().Select(o => (string)o!) ?? all)
            {
                var copy = property.DeepClone().AsObject();
                copy["id"] = operation + "." + (string)property["binding"]!["name"]!;
                copy["condition"] = new JsonObject { ["property"] = "operation", ["equals"] = operation };
                properties.Add(copy);
            }
        }
        earlier["properties"] = properties;
        return earlier;
    }

    [Fact]
    public void The_template_version_grows_with_the_contract_the_plugin_version_and_the_generator_revision()
    {
        Switchboard.Host.Templates.ElementTemplateVersion.Of(1, "1.2.3", 1).Should().Be(101_020_301);
        Switchboard.Host.Templates.ElementTemplateVersion.Of(1, "1.0.0", 2).Should().BeGreaterThan(Switchboard.Host.Templates.ElementTemplateVersion.Of(1, "1.0.0", 1),
            "a newer host that generates other templates for the same plugin build gives them a newer version");
        Switchboard.Host.Templates.ElementTemplateVersion.Of(1, "1.0.1", 1).Should().BeGreaterThan(Switchboard.Host.Templates.ElementTemplateVersion.Of(1, "1.0.0", 99));
        Switchboard.Host.Templates.ElementTemplateVersion.Of(20, "99.99.99", 99).Should().Be(2_099_999_999, "the largest version still fits an integer");
        Switchboard.Host.Templates.ElementTemplateVersion.Of(1, "1.0.1").Should().BeGreaterThan(Switchboard.Host.Templates.ElementTemplateVersion.Of(1, "1.0.0"));
        Switchboard.Host.Templates.ElementTemplateVersion.Of(1, "2.0.0+abc").Should().BeGreaterThan(Switchboard.Host.Templates.ElementTemplateVersion.Of(1, "1.99.99"));
        Switchboard.Host.Templates.ElementTemplateVersion.Of(2, "1.0.0").Should().BeGreaterThan(Switchboard.Host.Templates.ElementTemplateVersion.Of(1, "99.99.99"));
    }
}

/// <summary>What a connector declares for the Modeler beyond its inputs: icon, keywords, tooltips, labels in sentence case.</summary>
public sealed class TemplateMetadataTests : IAsyncLifetime
{
    private readonly PluginSandbox _sandbox = new();
    private RunningHost _host = null!;

    public async Task InitializeAsync()
    {
        _sandbox.Add(Repository.ShippedPlugin("Http"));
        _sandbox.Add(Repository.ShippedPlugin("Smtp"));
        _sandbox.Add(Repository.ShippedPlugin("Webhook"));
        _host = await RunningHost.StartAsync(_sandbox.Directory);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _sandbox.Dispose();
    }

    private async Task<JsonObject> TemplateAsync(string type) => JsonNode.Parse(await _host.Http.GetStringAsync("/element-templates/" + type))!.AsObject();

    private static JsonNode Property(JsonObject template, string id) => template["properties"]!.AsArray().Single(p => (string?)p!["id"] == id)!;

    [Fact]
    public async Task The_icon_file_keywords_and_tooltips_a_connector_declares_are_in_its_template()
    {
        var http = await TemplateAsync("io.switchboard:http:1");

        var icon = (string)http["icon"]!["contents"]!;
        icon.Should().StartWith("data:image/svg+xml;base64,");
        System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(icon["data:image/svg+xml;base64,".Length..])).Should().StartWith("<svg");
        http["keywords"]!.AsArray().Select(k => (string)k!).Should().Contain(["REST", "API call"]);
        ((string)Property(http, "params")["tooltip"]!).Should().Contain("?page=2&tag=a&tag=b");
    }

    [Fact]
    public async Task An_inbound_connectors_templates_carry_its_icon_and_keywords_too()
    {
        var webhook = JsonNode.Parse(await _host.Http.GetStringAsync("/element-templates/io.camunda:webhook:1"))!.AsArray();

        webhook.Should().HaveCount(5).And.AllSatisfy(t =>
        {
            ((string)t!["icon"]!["contents"]!).Should().StartWith("data:image/svg+xml;base64,");
            t["keywords"]!.AsArray().Select(k => (string)k!).Should().Contain("webhook");
        });
    }

    [Fact]
    public async Task Default_labels_are_in_sentence_case_with_acronyms_kept()
    {
        var http = await TemplateAsync("io.switchboard:http:1");
        var smtp = await TemplateAsync("io.switchboard:smtp:1");

        ((string)Property(http, "basic_auth_username")["label"]!).Should().Be("Basic auth username");
        ((string)Property(http, "url")["label"]!).Should().Be("URL");
        ((string)Property(smtp, "smtp_host")["label"]!).Should().Be("SMTP host");
        ((string)Property(smtp, "email_cc")["label"]!).Should().Be("Email CC");
    }

    [Fact]
    public async Task The_connectors_that_serve_Camundas_job_types_link_to_the_same_documentation_as_Camundas_templates()
    {
        async Task<string> CamundasLink(string file) => (string)(await Http.CamundaTemplate.NewestAsync(file))["documentationRef"]!;
        var rest = await TemplateAsync("io.camunda:http-json:1");
        var webhook = JsonNode.Parse(await _host.Http.GetStringAsync("/element-templates/io.camunda:webhook:1"))!.AsArray();

        ((string)rest["documentationRef"]!).Should().Be(await CamundasLink("http-json-connector.json"));
        var webhookLink = await CamundasLink("webhook-connector-start-event.json");
        webhook.Should().AllSatisfy(t => ((string)t!["documentationRef"]!).Should().Be(webhookLink));
        (await TemplateAsync("io.switchboard:http:1"))["documentationRef"].Should().BeNull("our own connectors have no public page to link to");
    }

    [Theory]
    [InlineData("missing.svg", "'missing.svg' is not in the plugin's folder")]
    [InlineData("../escape.svg", "outside the plugin's folder")]
    [InlineData("icon.gif", "neither an .svg nor a .png file")]
    public void An_icon_that_cannot_be_read_fails_the_load_naming_it(string declared, string problem)
    {
        var read = () => Switchboard.Core.Describing.ConnectorIcon.Read(typeof(TemplateMetadataTests), declared, AppContext.BaseDirectory);

        read.Should().Throw<Switchboard.Core.Describing.PluginLoadException>().WithMessage($"*its icon*{problem}*");
    }
}
