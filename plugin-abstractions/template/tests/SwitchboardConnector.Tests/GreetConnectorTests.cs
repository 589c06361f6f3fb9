using Switchboard.Core;
using Switchboard.Testing;

namespace SwitchboardConnector.Tests;

/// <summary>Calls the connector with JSON input, as Zeebe, CSP and SpiffWorkflow would, and checks what they would get back.</summary>
public sealed class GreetConnectorTests
{
    private readonly ConnectorHarness _connector = ConnectorHarness.For<GreetConnector>();

    [Fact]
    public async Task Greets_by_name()
    {
        var result = await _connector.InvokeAsync("""{"name":"Ada","shout":true}""");

        Assert.True(result.Succeeded, result.Error?.Message);
        Assert.Equal("HELLO, ADA!", (string?)result.Output!["message"]);
        Assert.Contains(result.Logs, line => line == "Information: Greeting Ada");
    }

    [Fact]
    public async Task A_missing_name_is_refused_before_the_connector_runs()
    {
        var result = await _connector.InvokeAsync("""{"greeting":"Hi"}""");

        Assert.Equal(ErrorKind.InvalidInput, result.Error!.Kind);
        Assert.Equal("InvalidParameters", result.Error.Code);
        Assert.Contains(result.Error.FieldErrors, field => field.Field == "name");
        Assert.Empty(result.Logs);
    }

    [Fact]
    public async Task Nobody_is_an_input_error_that_is_never_retried()
    {
        var result = await _connector.InvokeAsync("""{"name":"nobody"}""");

        Assert.Equal("NobodyToGreet", result.Error!.Code);
        Assert.False(result.Error.Retryable);
    }
}
