using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Switchboard.Tests.Infrastructure;
using Switchboard.ZeebeTestGateway;

namespace Switchboard.Tests.Inbound;

/// <summary>Activations found in the deployed processes through the orchestration cluster REST API, as Camunda's
/// runtime finds them: a webhook start event and message catch events become paths; a newer version replaces them.</summary>
public sealed class DeployedProcessDiscoveryTests
{
    private static string Bpmn(string context, string intermediateContext) => $$"""
        <?xml version="1.0" encoding="UTF-8"?>
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="t">
          <bpmn:process id="onboarding" isExecutable="true">
            <bpmn:startEvent id="signup">
              <bpmn:extensionElements>
                <zeebe:properties>
                  <zeebe:property name="inbound.type" value="io.camunda:webhook:1" />
                  <zeebe:property name="inbound.context" value="{{context}}" />
                  <zeebe:property name="inbound.method" value="post" />
                  <zeebe:property name="resultVariable" value="signup" />
                </zeebe:properties>
              </bpmn:extensionElements>
            </bpmn:startEvent>
            <bpmn:intermediateCatchEvent id="confirmed">
              <bpmn:extensionElements>
                <zeebe:properties>
                  <zeebe:property name="inbound.type" value="io.camunda:webhook:1" />
                  <zeebe:property name="inbound.context" value="{{intermediateContext}}" />
                  <zeebe:property name="correlationKeyExpression" value="=request.body.email" />
                  <zeebe:property name="resultExpression" value="={confirmedAt: request.body.at}" />
                </zeebe:properties>
              </bpmn:extensionElements>
              <bpmn:messageEventDefinition messageRef="m1" />
            </bpmn:intermediateCatchEvent>
            <bpmn:serviceTask id="plain" />
          </bpmn:process>
          <bpmn:message id="m1" name="email-confirmed" />
        </bpmn:definitions>
        """;

    // The Webhook plugin, and discovery every 100 ms from the gateway's REST API, with the host's information lines in log.
    private static Task<RunningHost> DiscoveringHostAsync(PluginSandbox sandbox, TestGatewayServer gateway, SharedLog log)
    {
        sandbox.Add(Repository.ShippedPlugin("Webhook"));
        return RunningHost.StartAsync(sandbox.Directory, log, "Switchboard:Log:Level=Information",
            "Switchboard:Zeebe:Address=" + gateway.Address, "CAMUNDA_REST_ADDRESS=" + gateway.RestAddress, "CAMUNDA_CONNECTOR_POLLING_INTERVAL=100");
    }

    [Fact]
    public async Task Inbound_elements_of_a_deployed_process_are_served_and_a_newer_version_replaces_them()
    {
        await using var gateway = await TestGatewayServer.StartAsync();
        gateway.Gateway.DeployBpmn("onboarding", Bpmn("signup", "confirm"));
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.ShippedPlugin("Webhook"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory,
            "Switchboard:Zeebe:Address=" + gateway.Address, "CAMUNDA_REST_ADDRESS=" + gateway.RestAddress, "CAMUNDA_CONNECTOR_POLLING_INTERVAL=100");
        Task<HttpResponseMessage> Post(string path, string json) => host.Http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

        var started = await Eventually.WaitFor(() => Post("/inbound/signup", """{"email":"ada@example.com"}"""),
            r => r.StatusCode != HttpStatusCode.NotFound, because: "the deployed process's start event is discovered");
        var confirmed = await Post("/inbound/confirm", """{"email":"ada@example.com","at":"2026-12-03"}""");

        started.StatusCode.Should().Be(HttpStatusCode.OK, await started.Content.ReadAsStringAsync());
        gateway.Gateway.Instances.Should().ContainSingle().Which.Variables["signup"]!["body"]!["email"]!.GetValue<string>().Should().Be("ada@example.com");
        confirmed.StatusCode.Should().Be(HttpStatusCode.OK, await confirmed.Content.ReadAsStringAsync());
        var message = gateway.Gateway.Messages.Should().ContainSingle().Subject;
        message.Name.Should().Be("email-confirmed");
        message.CorrelationKey.Should().Be("ada@example.com");
        message.Variables["confirmedAt"]!.GetValue<string>().Should().Be("2026-12-03");

        gateway.Gateway.DeployBpmn("onboarding", Bpmn("signup-v2", "confirm-v2"));
        await Eventually.WaitFor(() => Post("/inbound/signup-v2", "{}"), r => r.StatusCode == HttpStatusCode.OK, because: "version 2 is discovered");
        (await Post("/inbound/signup", "{}")).StatusCode.Should().Be(HttpStatusCode.NotFound, "version 2 replaced version 1's activations");
        (await host.Http.GetStringAsync("/inbound")).Should().Contain("onboarding/confirmed").And.Contain("/inbound/confirm-v2");
    }

    // Listed as up at /inbound/a/b, a path that answered 404: the route takes one segment.
    [Fact]
    public async Task A_deployed_webhook_whose_path_is_not_one_segment_is_listed_down_saying_why()
    {
        await using var gateway = await TestGatewayServer.StartAsync();
        gateway.Gateway.DeployBpmn("onboarding", Bpmn("sign/up", "confirm"));
        using var sandbox = new PluginSandbox();
        await using var host = await DiscoveringHostAsync(sandbox, gateway, new SharedLog());

        var listing = await Eventually.WaitFor(() => host.Http.GetStringAsync("/inbound"), l => l.Contains("/inbound/confirm", StringComparison.Ordinal),
            because: "the deployed process's elements are discovered");
        var split = System.Text.Json.Nodes.JsonNode.Parse(listing)!.AsArray().Single(a => (string)a!["path"]! == "/inbound/sign/up")!;

        split["health"]!["status"]!.GetValue<string>().Should().Be("down", split.ToJsonString());
        split["health"]!["reason"]!.GetValue<string>().Should().Contain("cannot be a webhook path");
    }

    [Fact]
    public async Task A_process_whose_BPMN_cannot_be_read_is_skipped_and_the_others_are_served_and_all_named_in_the_log()
    {
        await using var gateway = await TestGatewayServer.StartAsync();
        // Two messages with one id: the definitions parse as XML, yet cannot be read as BPMN.
        gateway.Gateway.DeployBpmn("twice", Bpmn("unread", "unread-2").Replace("id=\"onboarding\"", "id=\"twice\"")
            .Replace("<bpmn:message id=\"m1\" name=\"email-confirmed\" />", "<bpmn:message id=\"m1\" name=\"a\" /><bpmn:message id=\"m1\" name=\"b\" />"));
        gateway.Gateway.DeployBpmn("onboarding", Bpmn("signup", "confirm"));
        using var sandbox = new PluginSandbox();
        var log = new SharedLog();
        await using var host = await DiscoveringHostAsync(sandbox, gateway, log);

        var started = await Eventually.WaitFor(() => host.Http.PostAsync("/inbound/signup", new StringContent("{}", Encoding.UTF8, "application/json")),
            r => r.StatusCode != HttpStatusCode.NotFound, because: "the readable process is served although the other cannot be read");

        // The line follows the activations' registration: waited for, not raced.
        var written = await Eventually.WaitFor(() => Task.FromResult(log.ToString()), l => l.Contains("Inbound activations found"), because: "the discovery is logged");

        started.StatusCode.Should().Be(HttpStatusCode.OK);
        written.Should().Contain("is skipped for inbound").And.Contain("/inbound/signup").And.Contain("/inbound/confirm");
    }

    [Fact]
    public async Task A_BPMN_nested_far_deeper_than_a_process_or_larger_than_16_MiB_is_skipped_and_the_others_are_served()
    {
        await using var gateway = await TestGatewayServer.StartAsync();
        // Building a tree of 200,000 nested elements held a core for minutes; a 300 MB answer was read whole.
        var deep = new StringBuilder("<bpmn:definitions xmlns:bpmn=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" id=\"d\">");
        for (var i = 0; i < 5000; i++)
            deep.Append("<a>");
        for (var i = 0; i < 5000; i++)
            deep.Append("</a>");
        gateway.Gateway.DeployBpmn("deep", deep.Append("</bpmn:definitions>").ToString());
        gateway.Gateway.DeployBpmn("large", Bpmn("large", "large-2").Replace("id=\"onboarding\"", "id=\"large\"")
            .Replace("<bpmn:serviceTask id=\"plain\" />", "<!--" + new string('x', 17 * 1024 * 1024) + "-->"));
        gateway.Gateway.DeployBpmn("onboarding", Bpmn("signup", "confirm"));
        using var sandbox = new PluginSandbox();
        var log = new SharedLog();
        await using var host = await DiscoveringHostAsync(sandbox, gateway, log);

        var written = await Eventually.WaitFor(() => Task.FromResult(log.ToString()), l => l.Contains("Inbound activations found"), because: "the discovery is logged");
        var large = await host.Http.PostAsync("/inbound/large", new StringContent("{}", Encoding.UTF8, "application/json"));

        written.Should().Contain("is skipped for inbound: its BPMN cannot be read: the document is nested deeper than 1000 elements")
            .And.Contain("is skipped for inbound: its BPMN is larger than 16 MiB").And.Contain("/inbound/signup");
        large.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_search_that_never_runs_out_of_pages_is_given_up_after_10000_definitions_and_discovery_goes_on()
    {
        await using var gateway = await TestGatewayServer.StartAsync();
        gateway.Gateway.SearchNeverEnds = true;
        using var sandbox = new PluginSandbox();
        var log = new SharedLog();
        await using var host = await DiscoveringHostAsync(sandbox, gateway, log);

        // Followed, it read 115,000 pages in 50 s and grew the host's memory without end.
        const string givenUp = "the process definition search goes on past 10,000 definitions";
        static int Rounds(string text) => text.Split(givenUp).Length - 1;
        await Eventually.WaitFor(() => Task.FromResult(log.ToString()), l => Rounds(l) >= 2, because: "each round is given up and the next one searches again");
        var pages = gateway.Gateway.SearchPagesServed;
        var rounds = Rounds(log.ToString());

        // 100 pages of 100 per round given up, and the round under way when counted.
        pages.Should().BeLessThanOrEqualTo((rounds + 1) * 100);
    }

    [Fact]
    public async Task Camundas_own_REST_client_reads_the_test_gateways_process_definitions_and_their_XML()
    {
        await using var gateway = await TestGatewayServer.StartAsync();
        gateway.Gateway.DeployBpmn("onboarding", Bpmn("a", "b"));
        var latest = gateway.Gateway.DeployBpmn("onboarding", Bpmn("c", "d"));
        var package = await NpmPackage.InstallAsync("@camunda8/orchestration-cluster-api@8.8.4");

        var start = new ProcessStartInfo("node", [Path.Combine(AppContext.BaseDirectory, "Inbound", "rest-client.mjs"), gateway.RestAddress, package])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var node = Process.Start(start)!;
        var output = node.StandardOutput.ReadToEndAsync();
        var errors = node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync();

        node.ExitCode.Should().Be(0, await errors);
        var line = JsonNode.Parse((await output).Trim().Split('\n').Should().ContainSingle("only the latest version is found").Subject)!;
        line["key"]!.GetValue<string>().Should().Be(latest.Key.ToString());
        line["id"]!.GetValue<string>().Should().Be("onboarding");
        line["version"]!.GetValue<int>().Should().Be(2);
        line["xml"]!.GetValue<string>().Should().Contain("value=\"c\"");
    }

    [Fact]
    public async Task With_OAuth_the_REST_API_is_called_with_the_same_bearer_token_as_the_gateway()
    {
        var issued = 0;
        await using var tokens = await LoopbackServer.StartAsync(app => app.MapPost("/oauth/token",
            () => Microsoft.AspNetCore.Http.Results.Json(new { access_token = "rest-tok-" + Interlocked.Increment(ref issued), expires_in = 3600, token_type = "Bearer" })));
        await using var gateway = await TestGatewayServer.StartAsync();
        gateway.Gateway.RequiredToken = "rest-tok-1";
        gateway.Gateway.DeployBpmn("onboarding", Bpmn("signup", "confirm"));
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.ShippedPlugin("Webhook"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory,
            "Switchboard:Zeebe:Address=" + gateway.Address, "CAMUNDA_REST_ADDRESS=" + gateway.RestAddress, "CAMUNDA_CONNECTOR_POLLING_INTERVAL=100",
            "Switchboard:Zeebe:ClientId=switchboard", "Switchboard:Zeebe:ClientSecret=s3cret",
            "Switchboard:Zeebe:AuthorizationServerUrl=" + new Uri(tokens.Address, "oauth/token"));

        var started = await Eventually.WaitFor(() => host.Http.PostAsync("/inbound/signup", new StringContent("""{"email":"ada@example.com"}""", Encoding.UTF8, "application/json")),
            r => r.StatusCode != HttpStatusCode.NotFound, because: "discovery reads the protected REST API with the token");

        started.StatusCode.Should().Be(HttpStatusCode.OK, await started.Content.ReadAsStringAsync());
        issued.Should().Be(1, "the gateway calls and the REST calls share one cached token");
    }
}
