using Switchboard.Plugins.Log;
using Switchboard.Core;
using Switchboard.Testing;

namespace Switchboard.Plugins.Tests;

/// <summary>The log connector through the author test kit: what it writes, at which level, and what it refuses.</summary>
public sealed class LogKitTests
{
    private readonly ConnectorHarness _log = ConnectorHarness.For<LogConnector>();

    [Fact]
    public async Task Writes_the_message_at_the_requested_level()
    {
        var result = await _log.InvokeAsync("""{"message":"order 42 shipped","level":"warning"}""");

        result.Output!["status"]!.GetValue<string>().Should().Be("ok");
        result.Logs.Should().ContainSingle(l => l.StartsWith("Warning: order 42 shipped (via InProcess"));
    }

    [Fact]
    public async Task Logs_at_information_by_default()
    {
        var result = await _log.InvokeAsync("""{"message":"hello"}""");

        result.Logs.Should().ContainSingle(l => l.StartsWith("Information: hello"));
    }

    [Fact]
    public async Task A_missing_message_or_unknown_level_is_refused_with_the_fields_named()
    {
        var result = await _log.InvokeAsync("""{"level":"loud"}""");

        result.Error!.Kind.Should().Be(ErrorKind.InvalidInput);
        result.Error.FieldErrors.Select(f => f.Field).Should().BeEquivalentTo("message", "level");
        result.Logs.Should().BeEmpty("the connector never ran");
    }
}
