using System.Text.Json.Nodes;
using FluentAssertions;
using Microsoft.Extensions.Logging.Abstractions;
using Switchboard.Abstractions;
using Switchboard.Core;
using Switchboard.Core.Binding;
using Switchboard.Core.Describing;
using Switchboard.Core.Invoking;

namespace Switchboard.Tests.Pipeline;

/// <summary>The run of one call, below the pipeline and the author kit that both use it.</summary>
public sealed class CallRunnerTests
{
    [Fact]
    public async Task A_connector_that_stops_on_its_deadline_answers_as_the_deadline_does()
    {
        // The connector's own OperationCanceledException and the wait's deadline race each other; whichever the
        // caller sees first, the answer is the timeout's, naming the connector and its limit.
        var (call, writer) = Bind();
        using var deadline = new CancellationTokenSource();
        await deadline.CancelAsync();
        var context = CallRunner.Context(call, NullLogger.Instance, deadline.Token, new TestPluginContext("Stopping"), new InvocationInfo());

        var outcome = await CallRunner.RunAsync(call, context, writer, "test:stopping:1", TimeSpan.FromSeconds(7), CancellationToken.None);

        outcome.Error!.Kind.Should().Be(ErrorKind.Timeout);
        outcome.Error.Should().BeEquivalentTo(CallRunner.Abandoned("test:stopping:1", TimeSpan.FromSeconds(7), callerCancelled: false).Error);
        outcome.Error.Message.Should().Be("connector 'test:stopping:1' did not finish within 7 s");
    }

    [Fact]
    public async Task A_connector_that_stops_because_its_caller_cancelled_answers_cancelled()
    {
        var (call, writer) = Bind();
        using var caller = new CancellationTokenSource();
        await caller.CancelAsync();
        var context = CallRunner.Context(call, NullLogger.Instance, caller.Token, new TestPluginContext("Stopping"), new InvocationInfo());

        var outcome = await CallRunner.RunAsync(call, context, writer, "test:stopping:1", TimeSpan.FromSeconds(7), caller.Token);

        outcome.Error!.Kind.Should().Be(ErrorKind.Cancelled);
    }

    [Fact]
    public async Task A_connector_declaring_a_timeout_beyond_what_timers_take_runs_held_to_the_longest_they_do()
    {
        // int.MaxValue seconds (68 years) is a connector saying "as long as it takes"; set as a timer it threw on every call.
        await using var harness = Switchboard.Testing.ConnectorHarness.For<PatientConnector>();

        var result = await harness.InvokeAsync("{}");

        result.Succeeded.Should().BeTrue(result.ToString());
    }

    private static (BoundCall Call, OutputWriter Writer) Bind()
    {
        var models = new TypeModels();
        var writer = new OutputWriter(models);
        var connector = new ConnectorDescriber(models, writer, new TestPluginContext("Stopping"), TimeSpan.FromSeconds(30)).DescribeConnector(typeof(StoppingConnector));
        CallBinder.Bind(connector, null, new JsonObject(), [], out var call).Should().BeNull();
        return (call!, writer);
    }

}

/// <summary>Waits for its call to be cancelled and stops with the token's exception, as well-behaved connectors do.</summary>
[Connector("test:stopping:1", Name = "Stopping")]
public sealed class StoppingConnector
{
    /// <summary>The one operation.</summary>
    public sealed class Input;

    /// <summary>Never returned.</summary>
    public sealed class Output;

    /// <summary>Waits until cancelled.</summary>
    [Operation]
    public async Task<Output> RunAsync(Input input, IConnectorContext context)
    {
        await Task.Delay(Timeout.Infinite, context.CancellationToken);
        return new Output();
    }
}

/// <summary>Declares the longest timeout an attribute can hold.</summary>
[Connector("test:patient:1", Name = "Patient", TimeoutSeconds = int.MaxValue)]
public sealed class PatientConnector
{
    /// <summary>The one operation's input.</summary>
    public sealed class Input;

    /// <summary>Answers at once.</summary>
    [Operation]
    public object Run(Input input) => new { done = true };
}
