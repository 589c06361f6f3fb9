using System.Text;
using System.Text.Json.Nodes;
using Switchboard.Tests.Csp;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Hosting;

/// <summary>A name a request gives that nothing serves (a connector type, an operation, a Spiff command) is quoted in the
/// answer escaped and capped: a 500,000-character CSP method came back whole, half a megabyte per request.</summary>
public sealed class EchoedNameTests : IAsyncLifetime
{
    private const int Long = 500_000;
    private readonly PluginSandbox _sandbox = new();
    private RunningHost _host = null!;

    public async Task InitializeAsync()
    {
        _sandbox.Add(Repository.ShippedPlugin("Calculator"));
        _host = await RunningHost.StartAsync(_sandbox.Directory, "Switchboard:Catalog:Watch=false");
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _sandbox.Dispose();
    }

    private static void ShouldQuoteCapped(string message, string name)
    {
        message.Length.Should().BeLessThan(1000, "the name is cut, not quoted whole");
        message.Should().Contain(name[..100]).And.Contain($"more characters]");
    }

    [Fact]
    public async Task An_unknown_CSP_method_or_operation_is_quoted_capped()
    {
        var method = "io.switchboard:" + new string('m', Long);
        var unknown = await _host.Http.PostAsync(CspCall.Request(1, method, new JsonObject()));
        ShouldQuoteCapped(unknown.ErrorData!["errorMessage"]!.GetValue<string>(), method);

        var operation = new string('o', Long) + "\u202e";
        var noOperation = await _host.Http.PostAsync(CspCall.Request(2, "io.switchboard:calculator:1", new JsonObject(), operation));
        ShouldQuoteCapped(noOperation.ErrorData!["errorMessage"]!.GetValue<string>(), operation);
    }

    [Theory]
    [InlineData("/csp/connectors/")]
    [InlineData("/element-templates/")]
    public async Task An_unknown_type_in_a_listing_path_is_quoted_capped(string route)
    {
        var type = new string('t', 7_000);
        using var answer = await _host.Http.GetAsync(route + type);
        var body = await answer.Content.ReadAsStringAsync();

        ((int)answer.StatusCode).Should().Be(404, body);
        ShouldQuoteCapped(JsonNode.Parse(body)!["detail"]!.GetValue<string>(), type);
    }

    [Fact]
    public async Task An_unknown_Spiff_command_is_quoted_capped()
    {
        var command = new string('c', 7_000);
        using var answer = await _host.Http.PostAsync("/v1/do/calculator/" + command, new StringContent("{}", Encoding.UTF8, "application/json"));
        var body = await answer.Content.ReadAsStringAsync();

        ((int)answer.StatusCode).Should().Be(404, body);
        body.Length.Should().BeLessThan(2000, "the command is quoted capped, twice as the envelope carries its message");
        ShouldQuoteCapped(JsonNode.Parse(body)!["error"]!["message"]!.GetValue<string>(), "calculator/" + command);
    }
}
