using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Abstractions;
using Switchboard.Core;
using Switchboard.Host.Catalog;
using Switchboard.Host.Invocation;
using Switchboard.Testing;
using Switchboard.TestPlugins.Conformance;
using Switchboard.TestPlugins.ConformanceMisdeclared;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Conformance;

/// <summary>The same calls through the running host's pipeline and through the author kit: both run Switchboard.Core,
/// so outputs, errors (every kind), masking, signature rules, timeouts from configuration and disposal must agree.</summary>
public sealed class ConformanceTests(ConformanceTests.Sides sides) : IClassFixture<ConformanceTests.Sides>
{
    private const string Type = "test.switchboard:conformance:1";
    private const string Secret = "s3cr3t-token-value";

    /// <summary>Plugins:Conformance:TimeoutSeconds: below the declared 60 s, and far above what any other call takes even on a loaded machine.</summary>
    private const string TimeoutSeconds = "4";

    /// <summary>A running host serving the conformance plugins, and a kit harness for the same connector with the same settings.</summary>
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
            Host = await RunningHost.StartAsync(_sandbox.Directory, HostLog, "Plugins:Conformance:TimeoutSeconds=" + TimeoutSeconds);
            Kit = ConnectorHarness.For<ConformanceConnector>(new Dictionary<string, string?> { ["TimeoutSeconds"] = TimeoutSeconds });
        }

        public async Task DisposeAsync()
        {
            await Kit.DisposeAsync();
            await Host.DisposeAsync();
            _sandbox.Dispose();
        }
    }

    public static TheoryData<string, string, ErrorKind?> Cases => new()
    {
        { "echo", $$"""{"text":"hi","count":3,"token":"{{Secret}}"}""", null },
        { "ECHO", """{"text":"operation ids are case-insensitive"}""", null },
        { "echo", $$"""{"count":3,"token":"{{Secret}}"}""", ErrorKind.InvalidInput },
        { "echo", $$"""{"text":"hi","count":11,"token":"{{Secret}}"}""", ErrorKind.InvalidInput },
        { "echo", """{"text":7,"count":"many"}""", ErrorKind.InvalidInput },
        { "reject", $$"""{"text":"no","token":"{{Secret}}"}""", ErrorKind.InvalidInput },
        { "fail", $$"""{"text":"x","token":"{{Secret}}"}""", ErrorKind.ConnectorError },
        { "crash", $$"""{"text":"x","token":"{{Secret}}"}""", ErrorKind.Internal },
        { "overflow", """{"text":"x","count":10}""", ErrorKind.ConnectorError },
        { "respond", $$"""{"text":"made","token":"{{Secret}}"}""", null },
        { "nope", """{"text":"x"}""", ErrorKind.UnknownOperation },
        { "", """{"text":"x"}""", ErrorKind.UnknownOperation },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task The_host_and_the_kit_give_the_same_outcome(string operation, string input, ErrorKind? kind)
    {
        var pipeline = sides.Host.Services.GetRequiredService<InvocationPipeline>();

        var host = await pipeline.InvokeAsync(new Invocation(Type, operation, JsonNode.Parse(input)!.AsObject(), Protocol.InProcess));
        var kit = await sides.Kit.InvokeAsync(input, operation);

        var seen = Shown(host.Output, host.Error, host.Response);
        Shown(kit.Output, kit.Error, kit.Response).Should().Be(seen);
        (host.Error?.Kind).Should().Be(kind, seen);
        if (kind is null)
            host.Error.Should().BeNull(seen);
        seen.Should().NotContain(Secret);
    }

    [Fact]
    public async Task The_timeout_comes_from_the_plugins_configuration_on_both_sides()
    {
        var pipeline = sides.Host.Services.GetRequiredService<InvocationPipeline>();

        // Both at once: each waits the configured timeout out.
        var hostCall = pipeline.InvokeAsync(new Invocation(Type, "slow", new JsonObject { ["text"] = "x" }, Protocol.InProcess));
        var kitCall = sides.Kit.InvokeAsync("""{"text":"x"}""", "slow");
        var (host, kit) = (await hostCall, await kitCall);

        host.Error!.Kind.Should().Be(ErrorKind.Timeout);
        host.Error.Message.Should().Be($"connector '{Type}' did not finish within {TimeoutSeconds} s", "Plugins:Conformance:TimeoutSeconds wins over the declared 60 s");
        Shown(kit.Output, kit.Error, kit.Response).Should().Be(Shown(host.Output, host.Error, host.Response));
    }

    [Fact]
    public async Task What_the_connector_logs_is_masked_on_both_sides()
    {
        var pipeline = sides.Host.Services.GetRequiredService<InvocationPipeline>();
        var input = $$"""{"text":"logged","token":"{{Secret}}"}""";

        await pipeline.InvokeAsync(new Invocation(Type, "echo", JsonNode.Parse(input)!.AsObject(), Protocol.InProcess));
        await sides.Kit.InvokeAsync(input, "echo");

        var hostLine = sides.HostLog.ToString().Split('\n').Single(l => l.Contains("conformance echo with token"));
        var kitLine = sides.Kit.Logs.Single(l => l.Contains("conformance echo with token"));
        hostLine.Should().Contain("***").And.NotContain(Secret);
        kitLine.Should().Contain("***").And.NotContain(Secret);
    }

    [Fact]
    public void A_signature_the_host_refuses_at_load_is_refused_by_the_kit_with_the_same_reason()
    {
        var plugin = sides.Host.Catalog.Plugins.Single(p => p.Name == "ConformanceMisdeclared");
        plugin.State.Should().Be(PluginState.Failed);

        var refusal = () => ConnectorHarness.For<MisdeclaredConnector>();

        refusal.Should().Throw<ArgumentException>().Which.Message.Should().Contain(plugin.Reason!)
            .And.Contain("an operation takes (input) or (input, IConnectorContext)");
    }

    [Fact]
    public async Task The_connector_is_disposed_when_the_host_unloads_it_and_when_the_kit_is_disposed()
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.TestPlugin("Conformance"));
        var hostMarker = Path.Combine(sandbox.Directory, "host-disposed.txt");
        var kitMarker = Path.Combine(sandbox.Directory, "kit-disposed.txt");

        var host = await RunningHost.StartAsync(sandbox.Directory, $"Plugins:Conformance:DisposeMarker={hostMarker}");
        var kit = ConnectorHarness.For<ConformanceConnector>(new Dictionary<string, string?> { ["DisposeMarker"] = kitMarker });
        File.Exists(hostMarker).Should().BeFalse();
        File.Exists(kitMarker).Should().BeFalse();

        await host.DisposeAsync();
        await kit.DisposeAsync();

        File.Exists(hostMarker).Should().BeTrue("the host disposes a connector when it unloads its generation");
        File.Exists(kitMarker).Should().BeTrue("the kit disposes the connector as the host does");
    }

    /// <summary>Everything a protocol could map from an outcome, as one comparable text.</summary>
    internal static string Shown(JsonNode? output, InvocationError? error, ResponseFacts? response)
    {
        var shown = new JsonObject
        {
            ["output"] = output?.DeepClone(),
            ["response"] = response is null ? null : new JsonObject
            {
                ["status"] = response.StatusCode,
                ["mediaType"] = response.MediaType,
                ["headers"] = new JsonObject(response.Headers.OrderBy(h => h.Key).Select(h => KeyValuePair.Create(h.Key.ToLowerInvariant(), (JsonNode?)h.Value))),
            },
            ["error"] = error is null ? null : new JsonObject
            {
                ["kind"] = error.Kind.ToString(),
                ["code"] = error.Code,
                ["message"] = error.Message,
                ["retryable"] = error.Retryable,
                ["statusCode"] = error.StatusCode,
                ["retries"] = error.Retries,
                ["data"] = error.Data?.DeepClone(),
                ["fields"] = new JsonArray(error.FieldErrors.Select(f => (JsonNode?)$"{f.Field}: {f.Message}").ToArray()),
            },
        };
        return shown.ToJsonString();
    }
}
