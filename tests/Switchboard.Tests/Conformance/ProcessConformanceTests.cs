using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Abstractions;
using Switchboard.Core;
using Switchboard.Host.Catalog;
using Switchboard.Host.Invocation;
using Switchboard.Testing;
using Switchboard.TestPlugins.Conformance;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Conformance;

/// <summary>The conformance cases again, with every plugin in a worker process (<c>Switchboard:Catalog:Isolation=process</c>):
/// outputs, every error kind, masking and the configured timeout are the same as in-process and in the author kit.</summary>
public sealed class ProcessConformanceTests(ProcessConformanceTests.Sides sides) : IClassFixture<ProcessConformanceTests.Sides>
{
    private const string Type = "test.switchboard:conformance:1";
    private const string TimeoutSeconds = "4";

    public sealed class Sides : IAsyncLifetime
    {
        private readonly PluginSandbox _sandbox = new();

        public RunningHost Host { get; private set; } = null!;
        public ConnectorHarness Kit { get; private set; } = null!;
        public SharedLog HostLog { get; } = new();

        public async Task InitializeAsync()
        {
            _sandbox.Add(Repository.TestPlugin("Conformance"));
            _sandbox.Add(Repository.TestPlugin("ConformanceMisdeclared"));
            Host = await RunningHost.StartAsync(_sandbox.Directory, HostLog, "Switchboard:Catalog:Isolation=process",
                "Plugins:Conformance:TimeoutSeconds=" + TimeoutSeconds, "Switchboard:Log:Level=Information");
            Kit = ConnectorHarness.For<ConformanceConnector>(new Dictionary<string, string?> { ["TimeoutSeconds"] = TimeoutSeconds });
        }

        public async Task DisposeAsync()
        {
            await Kit.DisposeAsync();
            await Host.DisposeAsync();
            _sandbox.Dispose();
        }
    }

    [Theory]
    [MemberData(nameof(ConformanceTests.Cases), MemberType = typeof(ConformanceTests))]
    public async Task An_isolated_plugin_and_the_kit_give_the_same_outcome(string operation, string input, ErrorKind? kind)
    {
        var pipeline = sides.Host.Services.GetRequiredService<InvocationPipeline>();

        var host = await pipeline.InvokeAsync(new Invocation(Type, operation, JsonNode.Parse(input)!.AsObject(), Protocol.InProcess));
        var kit = await sides.Kit.InvokeAsync(input, operation);

        var seen = ConformanceTests.Shown(host.Output, host.Error, host.Response);
        ConformanceTests.Shown(kit.Output, kit.Error, kit.Response).Should().Be(seen);
        (host.Error?.Kind).Should().Be(kind, seen);
        seen.Should().NotContain("s3cr3t-token-value");
    }

    [Fact]
    public async Task The_timeout_comes_from_the_plugins_configuration_in_the_worker_too()
    {
        var pipeline = sides.Host.Services.GetRequiredService<InvocationPipeline>();

        var host = await pipeline.InvokeAsync(new Invocation(Type, "slow", new JsonObject { ["text"] = "x" }, Protocol.InProcess));

        host.Error!.Kind.Should().Be(ErrorKind.Timeout);
        host.Error.Message.Should().Be($"connector '{Type}' did not finish within {TimeoutSeconds} s");
    }

    [Fact]
    public async Task A_call_its_caller_cancels_is_cancelled_in_the_worker_too()
    {
        var pipeline = sides.Host.Services.GetRequiredService<InvocationPipeline>();
        var text = "cancel-" + Guid.NewGuid().ToString("N");
        using var caller = new CancellationTokenSource();

        // Its own timeout (60 s) is far away: only the caller's cancellation can stop the connector in time.
        var call = pipeline.InvokeAsync(new Invocation(Type, "slow", new JsonObject { ["text"] = text }, Protocol.InProcess) { Timeout = TimeSpan.FromSeconds(60) },
            caller.Token);
        await Eventually.WaitFor(() => Task.FromResult(Logged(text, "started")), started => started,
            because: "the connector runs in the worker");
        await caller.CancelAsync();
        var outcome = await call;

        outcome.Error!.Kind.Should().Be(ErrorKind.Cancelled);
        await Eventually.WaitFor(() => Task.FromResult(Logged(text, "cancelled")), cancelled => cancelled,
            TimeSpan.FromSeconds(20), "the worker cancels the connector's token when the host stops waiting");
    }

    // Serilog quotes a string value in the rendered message: the line holds both words.
    private bool Logged(string text, string what) =>
        sides.HostLog.ToString().Split('\n').Any(l => l.Contains("conformance slow") && l.Contains(text) && l.Contains(what));

    [Fact]
    public async Task What_the_connector_logs_in_its_worker_reaches_the_hosts_log_masked_with_the_plugin_named()
    {
        var pipeline = sides.Host.Services.GetRequiredService<InvocationPipeline>();

        await pipeline.InvokeAsync(new Invocation(Type, "echo", JsonNode.Parse("""{"text":"logged","token":"s3cr3t-token-value"}""")!.AsObject(), Protocol.InProcess));

        // Other cases log too (without a token); this call's line is the masked one.
        var line = await Eventually.WaitFor(() => Task.FromResult(sides.HostLog.ToString().Split('\n').FirstOrDefault(l => l.Contains("conformance echo with token ***"))),
            l => l is not null, because: "the worker's line is relayed");
        line.Should().Contain("WRN").And.Contain("plugin Conformance");
        sides.HostLog.ToString().Should().NotContain("s3cr3t-token-value");
    }

    [Fact]
    public void A_plugin_its_worker_cannot_load_is_failed_with_the_workers_reason()
    {
        var plugin = sides.Host.Catalog.Plugins.Single(p => p.Name == "ConformanceMisdeclared");

        plugin.State.Should().Be(PluginState.Failed);
        plugin.Reason.Should().Contain("an operation takes (input) or (input, IConnectorContext)");
    }
}
