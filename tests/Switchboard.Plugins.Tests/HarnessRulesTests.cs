using Switchboard.Core;
using Switchboard.Testing;
using Switchboard.TestPlugins.ReloadProbe;

namespace Switchboard.Plugins.Tests;

/// <summary>The kit's rules an author relies on beyond the shipped plugins: operation choice, connector errors, secret masking, timeouts.</summary>
public sealed class HarnessRulesTests
{
    private readonly ConnectorHarness _probe = ConnectorHarness.For<ProbeConnector>(pluginDirectory: "/srv/plugins/probe");

    [Fact]
    public async Task A_multi_operation_connector_needs_its_operation_named()
    {
        var result = await _probe.InvokeAsync("""{"echo":"x"}""");

        result.Error!.Kind.Should().Be(ErrorKind.UnknownOperation);
        result.Error.Message.Should().Contain("identify").And.Contain("wait");
    }

    [Fact]
    public async Task The_chosen_operation_gets_the_plugin_context()
    {
        var result = await _probe.InvokeAsync("""{"echo":"hello"}""", operation: "Identify");

        result.Output!["echo"]!.GetValue<string>().Should().Be("hello");
        result.Output["pluginDirectory"]!.GetValue<string>().Should().Be("/srv/plugins/probe");
    }

    [Fact]
    public async Task A_connector_error_keeps_its_code_and_flags_with_secrets_masked()
    {
        var result = await _probe.InvokeAsync("""{"token":"s3cr3t-value","code":"Upstream503","retryable":true}""", operation: "fail");

        result.Error!.Kind.Should().Be(ErrorKind.ConnectorError);
        result.Error.Code.Should().Be("Upstream503");
        result.Error.Retryable.Should().BeTrue();
        result.Error.Message.Should().Be("upstream rejected token ***");
        result.Error.Data!["token"]!.GetValue<string>().Should().Be("***");
        result.Error.Data["hint"]!.GetValue<string>().Should().Be("check the token");
    }

    [Fact]
    public async Task An_unexpected_exception_is_a_retryable_internal_failure()
    {
        var result = await _probe.InvokeAsync("""{"token":"s3cr3t-value","code":"Crash"}""", operation: "fail");

        result.Error!.Kind.Should().Be(ErrorKind.Internal);
        result.Error.Code.Should().Be("ConnectorFailed");
        result.Error.Retryable.Should().BeTrue();
        result.Error.Message.Should().Be("InvalidOperationException: crashed while holding ***");
    }

    [Fact]
    public async Task A_call_that_outlives_its_timeout_fails_with_Timeout()
    {
        var result = await _probe.InvokeAsync("""{"milliseconds":5000}""", operation: "wait", timeout: TimeSpan.FromMilliseconds(200));

        result.Error!.Kind.Should().Be(ErrorKind.Timeout);
        result.Error.Code.Should().Be("Timeout");
        result.Error.Retryable.Should().BeTrue();
    }
}
