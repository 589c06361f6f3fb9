using Switchboard.Abstractions;
using Switchboard.Abstractions.Spiff;
using Switchboard.Core.Describing;
using Switchboard.Tests.Pipeline;

namespace Switchboard.Tests.Spiff;

/// <summary>A SpiffWorkflow command is two path segments of <c>/v1/do/{plugin}/{Command}</c>: one a URL cannot carry as
/// it is would send its callers (the dashboard's Invoke over Spiff among them) to another command (attack round thirteen).</summary>
public sealed class SpiffCommandNameTests
{
    [Theory]
    [InlineData(typeof(WithQuery), "calculator/Calculate?from=hostile", "'?'")]
    [InlineData(typeof(WithFragment), "calculator/Calculate#x", "'#'")]
    [InlineData(typeof(WithPercent), "calculator/Calc%75late", "'%'")]
    [InlineData(typeof(WithControl), "calculator/Calc\nulate", "'\\u000a'")]
    public void A_command_a_URL_path_cannot_carry_fails_the_connector_naming_it(Type type, string command, string named)
    {
        var describe = () => Described.Connector(type);

        describe.Should().Throw<PluginLoadException>().Which.Message.Should()
            .Contain($"SpiffWorkflow command '{command}' holds {named}", "its callers' URL would end or change at that character");
    }

    [Connector("test.switchboard:command-query:1"), SpiffCommand("calculator/Calculate?from=hostile")]
    public sealed class WithQuery
    {
        [Operation]
        public string Run(Nothing input) => "ran";
    }

    [Connector("test.switchboard:command-fragment:1"), SpiffCommand("calculator/Calculate#x")]
    public sealed class WithFragment
    {
        [Operation]
        public string Run(Nothing input) => "ran";
    }

    [Connector("test.switchboard:command-percent:1"), SpiffCommand("calculator/Calc%75late")]
    public sealed class WithPercent
    {
        [Operation]
        public string Run(Nothing input) => "ran";
    }

    [Connector("test.switchboard:command-control:1"), SpiffCommand("calculator/Calc\nulate")]
    public sealed class WithControl
    {
        [Operation]
        public string Run(Nothing input) => "ran";
    }

    public sealed class Nothing
    {
        public string? Note { get; set; }
    }
}
