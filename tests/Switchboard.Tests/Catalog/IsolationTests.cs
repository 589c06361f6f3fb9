using System.Reflection;
using System.Text.Json.Nodes;
using Newtonsoft.Json;
using Switchboard.Abstractions;
using Switchboard.Core;
using Switchboard.Core.Invoking;
using Switchboard.Host.Invocation;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Catalog;

public sealed class IsolationTests
{
    [Fact]
    public async Task Two_plugins_use_their_own_Newtonsoft_versions_beside_the_hosts_at_the_same_time()
    {
        // The test process is the host here, with its own Newtonsoft.Json 13.0.4 loaded in the default context.
        var hostVersion = typeof(JsonConvert).Assembly.GetCustomAttribute<AssemblyFileVersionAttribute>()!.Version;
        JsonConvert.SerializeObject(new { host = true }).Should().Be("""{"host":true}""");
        hostVersion.Should().StartWith("13.0.4");

        await using var harness = await CatalogHarness.StartAsync(sandbox =>
        {
            sandbox.Add(Repository.TestPlugin("JsonOld"));
            sandbox.Add(Repository.TestPlugin("JsonNew"));
        }, watch: false);

        var input = """{"customer":"ACME","lines":3}""";
        var calls = await Task.WhenAll(
            harness.Pipeline.InvokeAsync(new Invocation("test.switchboard:json-old:1", null, JsonNode.Parse(input)!.AsObject(), Protocol.InProcess)).AsTask(),
            harness.Pipeline.InvokeAsync(new Invocation("test.switchboard:json-new:1", null, JsonNode.Parse(input)!.AsObject(), Protocol.InProcess)).AsTask());

        var old = calls[0].Output!;
        var @new = calls[1].Output!;
        old["newtonsoftVersion"]!.GetValue<string>().Should().StartWith("12.0.3");
        @new["newtonsoftVersion"]!.GetValue<string>().Should().StartWith("13.0.1");
        old["newtonsoftIsolated"]!.GetValue<bool>().Should().BeTrue();
        @new["newtonsoftIsolated"]!.GetValue<bool>().Should().BeTrue();
        old["json"]!.GetValue<string>().Should().Be("""{"Customer":"ACME","Lines":3}""");
        @new["lines"]!.GetValue<int>().Should().Be(3);
    }

    [Fact]
    public async Task Plugin_code_binds_and_runs_with_its_own_load_context_as_the_contextual_reflection_context_and_the_caller_keeps_its_own()
    {
        await using var harness = await CatalogHarness.StartAsync(sandbox => sandbox.Add(Repository.TestPlugin("JsonOld")), watch: false);
        var input = """{"customer":"ACME","lines":3}""";
        Invocation Call() => new("test.switchboard:json-old:1", null, JsonNode.Parse(input)!.AsObject(), Protocol.InProcess);

        // Bound and run in one go, as CSP and Spiff answer a call.
        var direct = await harness.Pipeline.InvokeAsync(Call());
        System.Runtime.Loader.AssemblyLoadContext.CurrentContextualReflectionContext.Should().BeNull("the caller's own flow is not left in the plugin's context");
        // Bound first and run later from another flow, as an asynchronous call with a callback is.
        var (prepared, error) = await harness.Pipeline.PrepareAsync(Call());
        error.Should().BeNull();
        System.Runtime.Loader.AssemblyLoadContext.CurrentContextualReflectionContext.Should().BeNull();
        var later = await Task.Run(() => harness.Pipeline.InvokeAsync(prepared!));

        foreach (var outcome in new[] { direct, later })
        {
            outcome.Error.Should().BeNull();
            outcome.Output!["boundInOwnContext"]!.GetValue<bool>().Should().BeTrue("binding runs the input's setters, plugin code");
            outcome.Output!["ranInOwnContext"]!.GetValue<bool>().Should().BeTrue();
        }
    }
}
