using System.Net;
using System.Security.Cryptography;
using System.Text;
using Switchboard.Host.Hosting;
using Switchboard.Tests.Infrastructure;
using Switchboard.ZeebeTestGateway;

namespace Switchboard.Tests.Hosting;

/// <summary>Attack round fifteen (A): settings and secrets the host is handed. A setting that cannot work stops the host
/// at start naming it (README, Running); <c>{{secrets.NAME}}</c> is what the host's own templates put in a secret field.</summary>
public sealed class ConfigurationAttackTests
{
    private static async Task<string?> StartProblemAsync(PluginSandbox sandbox, params string[] settings)
    {
        RunningHost? host = null;
        try
        {
            host = await RunningHost.StartAsync(sandbox.Directory, settings);
            return null;
        }
        catch (Exception e)
        {
            return string.Join("\n", StartupProblem.Explain(e) ?? ["NOT EXPLAINED (Program.cs prints the stack): " + e]);
        }
        finally
        {
            if (host is not null)
                await host.DisposeAsync();
        }
    }

    // An environment variable such as Switchboard__Csp__BearerToken=$CSP_TOKEN with CSP_TOKEN unset gives an empty token:
    // Spiff's ApiKey set but empty stops the host ("empty refused at startup"); CSP's left /csp/* open to anyone.
    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task A_CSP_bearer_token_set_but_empty_stops_the_host_naming_it_as_an_empty_Spiff_API_key_does(string token)
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.ShippedPlugin("Calculator"));

        var spiff = await StartProblemAsync(sandbox, "Switchboard:Spiff:ApiKey=" + token);
        var csp = await StartProblemAsync(sandbox, "Switchboard:Csp:BearerToken=" + token);

        spiff.Should().Contain("Switchboard:Spiff:ApiKey is set but empty");
        csp.Should().NotBeNull("an empty bearer token leaves /csp/* open to anyone (or, all blanks, closed to everyone), with nothing said")
            .And.Contain("Switchboard:Csp:BearerToken");
    }

    // A token read from a file (a mounted Kubernetes secret, `$(cat token)` in a unit file's Environment=) often ends in a
    // newline. HTTP carries no header value with surrounding blanks (Kestrel trims them), so no caller can ever present
    // it: every request is refused 401 and the host started as if all was well.
    [Theory]
    [InlineData("Switchboard:Csp:BearerToken")]
    [InlineData("Switchboard:Spiff:ApiKey")]
    public async Task A_credential_setting_ending_in_a_newline_is_refused_at_start_or_accepted_as_callers_can_send_it(string setting)
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.ShippedPlugin("Calculator"));
        RunningHost host;
        try
        {
            host = await RunningHost.StartAsync(sandbox.Directory, setting + "=s3cret-token\n");
        }
        catch (Exception e) when (StartupProblem.Explain(e) is { } lines)
        {
            // Refused at start, naming the setting: fine, and never showing the value.
            string.Join("\n", lines).Should().Contain(setting).And.NotContain("s3cret-token");
            return;
        }
        await using var _ = host;

        HttpResponseMessage answer;
        if (setting.Contains("Csp"))
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/csp/connector")
            {
                Content = new StringContent("""{"jsonrpc":"2.0","id":1,"method":"io.switchboard:calculator:1","params":{"input":{"action":"add","a":1,"b":2}}}""",
                    Encoding.UTF8, "application/json"),
            };
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer s3cret-token");
            answer = await host.Http.SendAsync(request);
        }
        else
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/commands");
            request.Headers.TryAddWithoutValidation("Spiff-Connector-Proxy-Api-Key", "s3cret-token");
            answer = await host.Http.SendAsync(request);
        }

        answer.StatusCode.Should().NotBe(HttpStatusCode.Unauthorized,
            $"the host started with {setting} ending in a newline, which no HTTP header can carry, so every caller is refused: {await answer.Content.ReadAsStringAsync()}");
    }

    // A path from appsettings.json may hold "\u0000": Path.GetFullPath throws ArgumentException, which is no StartupProblem,
    // so Program.cs prints the whole stack instead of one line naming the setting.
    [Theory]
    [InlineData("Switchboard:Catalog:PluginsDirectory=plugins\0x", "PluginsDirectory")]
    [InlineData("Switchboard:Inbound:StateDirectory=state\0x", "Switchboard:Inbound:StateDirectory")]
    public async Task A_folder_setting_holding_a_NUL_stops_the_host_with_one_line_naming_it_not_a_stack(string setting, string named)
    {
        using var sandbox = new PluginSandbox();

        var said = await StartProblemAsync(sandbox, setting);

        said.Should().NotBeNull().And.NotContain("NOT EXPLAINED").And.Contain(named);
    }

    // The pollers' cursors go there: a regular file cannot hold them, and nothing looked at it until a poller saved one.
    [Fact]
    public async Task An_inbound_state_directory_that_is_a_regular_file_stops_the_host_naming_it()
    {
        using var sandbox = new PluginSandbox();
        var file = Path.GetTempFileName();
        try
        {
            var said = await StartProblemAsync(sandbox, "Switchboard:Inbound:StateDirectory=" + file);

            said.Should().NotBeNull("a folder that is a regular file cannot hold the pollers' cursors").And.Contain("Switchboard:Inbound:StateDirectory");
        }
        finally
        {
            File.Delete(file);
        }
    }

    // The host's own inbound element templates put {{secrets.NAME}} in a secret property (docs/element-templates.md,
    // "Inbound templates"), as Camunda's do; a process modeled with them is discovered and served, but the placeholder
    // is never replaced: the webhook's HMAC key is the literal text "{{secrets....}}".
    [Fact]
    public async Task A_secret_placeholder_in_a_discovered_webhook_s_HMAC_secret_is_replaced_by_the_secret()
    {
        var name = "ATTACK15_HMAC_" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var placeholder = "{{secrets." + name + "}}";
        const string secret = "real-hmac-s3cret";
        Environment.SetEnvironmentVariable("SECRET_" + name, secret);
        try
        {
            await using var gateway = await TestGatewayServer.StartAsync();
            gateway.Gateway.DeployBpmn("signed", $$"""
                <?xml version="1.0" encoding="UTF-8"?>
                <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="t">
                  <bpmn:process id="signed" isExecutable="true">
                    <bpmn:startEvent id="hook">
                      <bpmn:extensionElements>
                        <zeebe:properties>
                          <zeebe:property name="inbound.type" value="io.camunda:webhook:1" />
                          <zeebe:property name="inbound.context" value="signed-hook" />
                          <zeebe:property name="inbound.shouldValidateHmac" value="enabled" />
                          <zeebe:property name="inbound.hmacSecret" value="{{placeholder}}" />
                          <zeebe:property name="inbound.hmacHeader" value="X-Signature" />
                          <zeebe:property name="inbound.hmacAlgorithm" value="sha_256" />
                        </zeebe:properties>
                      </bpmn:extensionElements>
                    </bpmn:startEvent>
                  </bpmn:process>
                </bpmn:definitions>
                """);
            using var sandbox = new PluginSandbox();
            sandbox.Add(Repository.ShippedPlugin("Webhook"));
            await using var host = await RunningHost.StartAsync(sandbox.Directory,
                "Switchboard:Zeebe:Address=" + gateway.Address, "CAMUNDA_REST_ADDRESS=" + gateway.RestAddress, "CAMUNDA_CONNECTOR_POLLING_INTERVAL=100");
            const string json = """{"id":"e-1"}""";
            Task<HttpResponseMessage> Post(string key)
            {
                var request = new HttpRequestMessage(HttpMethod.Post, "/inbound/signed-hook") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
                var signature = Convert.ToHexString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(json))).ToLowerInvariant();
                request.Headers.Add("X-Signature", "sha256=" + signature);
                return host.Http.SendAsync(request);
            }

            await Eventually.WaitFor(() => Post(secret), r => r.StatusCode != HttpStatusCode.NotFound, because: "the deployed process's start event is discovered");
            var signedWithTheSecret = await Post(secret);
            var signedWithThePlaceholder = await Post(placeholder);

            signedWithTheSecret.StatusCode.Should().Be(HttpStatusCode.OK,
                $"the request is signed with the secret the placeholder names: {await signedWithTheSecret.Content.ReadAsStringAsync()}");
            signedWithThePlaceholder.StatusCode.Should().Be(HttpStatusCode.Unauthorized,
                "anyone who reads the BPMN can sign with the placeholder's text, which is no secret");
        }
        finally
        {
            Environment.SetEnvironmentVariable("SECRET_" + name, null);
        }
    }
}
