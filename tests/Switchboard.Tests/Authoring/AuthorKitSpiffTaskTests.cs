using Switchboard.Abstractions.Spiff;
using Switchboard.Testing;
using Switchboard.TestPlugins.KitParity;
using Switchboard.Tests.Infrastructure;
using Switchboard.Tests.Spiff;

namespace Switchboard.Tests.Authoring;

/// <summary>Attack round fourteen (A): a Spiff call the backend sends without a task id (only the process instance) is
/// described to the connector by the host as a Spiff call with no request id and the process instance it was sent; the
/// kit, handed the same <see cref="SpiffTask"/> "as a protocol adapter would", describes it as an in-process call with a
/// fresh GUID for its request id and no process instance.</summary>
public sealed class AuthorKitSpiffTaskTests
{
    [Fact]
    public async Task A_Spiff_task_without_a_task_id_is_described_to_the_connector_alike_by_the_kit_and_the_host()
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.TestPlugin("KitParity"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory);
        await using var kit = ConnectorHarness.For<KitParityConnector>();

        var call = await SpiffCall.DoAsync(host.Http, "kitparity/Who", """{"spiff__process_instance_id":"instance-9"}""");
        kit.Features.Add(new SpiffTask { ProcessInstanceId = "instance-9" });
        var result = await kit.InvokeAsync("{}", "who");

        var hostSeen = call.Json["command_response"]!["body"]!.ToJsonString();
        hostSeen.Should().Contain("\"processInstanceId\":\"instance-9\"", call.Text);
        result.Output?.ToJsonString().Should().Be(hostSeen,
            "the host's connector read {0} from context.Invocation for this Spiff task; the kit's read {1}", hostSeen, result.Output?.ToJsonString());
    }
}
