using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Switchboard.Abstractions;
using Switchboard.Core;
using Switchboard.Host.Invocation;
using Switchboard.Host.Isolation;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Isolation;

/// <summary>A plugin in a worker process of its own: its calls answered through the worker's pipeline, and faults no load
/// context contains (FailFast, a stack overflow, a throw on its own thread, async void) ending the worker, not the
/// host, with the call in flight answered at once with the retryable PluginCrashed error.</summary>
public sealed class WorkerProcessTests : IDisposable
{
    private static readonly string WorkerAssembly = Path.Combine(AppContext.BaseDirectory, "Switchboard.Worker.dll");
    private readonly PluginSandbox _sandbox = new();

    public WorkerProcessTests()
    {
        _sandbox.Add(Repository.TestPlugin("Crasher"));
        _sandbox.Add(Repository.ShippedPlugin("Calculator"));
    }

    public void Dispose() => _sandbox.Dispose();

    private Task<WorkerProcess> StartAsync(string plugin) =>
        WorkerProcess.StartAsync(WorkerAssembly, _sandbox.Directory, plugin, [], TimeSpan.FromSeconds(60), NullLogger.Instance);

    private static Invocation Call(string operation, string input = "{}") =>
        new("io.switchboard.test:crasher:1", operation, JsonNode.Parse(input)!.AsObject(), Protocol.Csp);

    [Fact]
    public async Task Calls_run_in_the_worker_with_the_hosts_binding_and_errors()
    {
        await using var worker = await StartAsync("Crasher");

        var added = await worker.InvokeAsync(Call("add", """{"a":2,"b":3}"""), CancellationToken.None);
        var invalid = await worker.InvokeAsync(Call("add", """{"a":"two","b":3}"""), CancellationToken.None);
        var (metadata, _) = await worker.DescribeAsync(CancellationToken.None);

        added.Error.Should().BeNull();
        added.Output!["sum"]!.GetValue<int>().Should().Be(5);
        added.Output["pid"]!.GetValue<int>().Should().Be(worker.ProcessId).And.NotBe(Environment.ProcessId, "the plugin ran in the worker");
        invalid.Error!.Kind.Should().Be(ErrorKind.InvalidInput);
        invalid.Error.FieldErrors.Should().ContainSingle().Which.Field.Should().Be("a");
        metadata.Should().ContainSingle().Which.Type.Should().Be("io.switchboard.test:crasher:1");
        metadata[0].Operations.Select(o => o.Id).Should().Contain(["add", "failFast", "stackOverflow"]);
    }

    [Theory]
    [InlineData("failFast")]
    [InlineData("stackOverflow")]
    [InlineData("threadThrow")]
    [InlineData("asyncVoid")]
    public async Task A_fault_that_ends_the_process_ends_the_worker_and_answers_the_call_with_PluginCrashed(string operation)
    {
        await using var worker = await StartAsync("Crasher");
        await using var other = await StartAsync("Calculator");

        var started = Stopwatch.GetTimestamp();
        var outcome = await worker.InvokeAsync(Call(operation), CancellationToken.None);

        outcome.Error!.Code.Should().Be("PluginCrashed");
        outcome.Error.Retryable.Should().BeTrue();
        outcome.Error.Message.Should().Contain("Crasher").And.Contain("exit code");
        Stopwatch.GetElapsedTime(started).Should().BeLessThan(TimeSpan.FromSeconds(25), "the call is answered when the worker ends, not at a timeout");
        (await worker.Exited).Should().StartWith("exit code");
        var calculator = await other.InvokeAsync(new Invocation("io.switchboard:calculator:1", null,
            JsonNode.Parse("""{"action":"add","a":1,"b":2}""")!.AsObject(), Protocol.Csp), CancellationToken.None);
        calculator.Output!["result"]!.GetValue<double>().Should().Be(3, "the host and the other plugin's worker are untouched");
    }

    [Fact]
    public async Task A_worker_killed_mid_call_answers_the_call_with_PluginCrashed()
    {
        await using var worker = await StartAsync("Crasher");
        var call = worker.InvokeAsync(Call("hang"), CancellationToken.None);

        Process.GetProcessById(worker.ProcessId).Kill();
        var outcome = await call;

        outcome.Error!.Code.Should().Be("PluginCrashed");
    }
}
