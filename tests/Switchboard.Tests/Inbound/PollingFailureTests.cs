using System.Diagnostics;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Switchboard.Tests.Infrastructure;
using Switchboard.ZeebeTestGateway;

namespace Switchboard.Tests.Inbound;

/// <summary>What a poller's activation does when its own state cannot be kept or read, or its poll gives nothing: it
/// is down with the reason, and goes on polling, up again once a poll goes through.</summary>
public class PollingFailureTests : IAsyncLifetime
{
    /// <summary>Settings that put the plugin under test in a worker process (<see cref="IsolatedPollingFailureTests"/>); none here.</summary>
    protected virtual string[] Isolation => [];

    private HostileInboundSandbox _box = null!;

    public async Task InitializeAsync() => _box = await HostileInboundSandbox.StartAsync();

    public async Task DisposeAsync() => await _box.DisposeAsync();

    private Task<RunningHost> StartHostAsync(string mode, string stateDirectory, params string[] more) => RunningHost.StartAsync(_box.Plugins.Directory,
        [.. more,
        .. Isolation,
        "Switchboard:Zeebe:Address=" + _box.Gateway.Address,
        "Switchboard:Inbound:StateDirectory=" + stateDirectory,
        "Switchboard:Inbound:DefaultPollInterval=00:00:00.100",
        "Switchboard:Inbound:Activations:poller:inbound.type=test.switchboard:hostile-poll:1",
        "Switchboard:Inbound:Activations:poller:mode=" + mode,
        "Switchboard:Inbound:Activations:poller:count=100",
        "Switchboard:Inbound:Activations:poller:messageName=polled",
        "Switchboard:Inbound:Activations:poller:correlationKeyExpression==\"k\""]);

    [Fact]
    public async Task A_cursor_that_cannot_be_saved_fails_the_poll_and_the_activation_goes_on_once_it_can()
    {
        // A file where the state folder should be: no cursor can be written under it.
        File.WriteAllText(_box.State, "not a folder");
        await using var host = await StartHostAsync("cursor", Path.Combine(_box.State, "inbound"));

        var down = await host.InboundDownAsync("the cursor cannot be saved");
        down["reason"]!.GetValue<string>().Should().StartWith("the cursor could not be saved:");

        File.Delete(_box.State);
        await Eventually.WaitFor(() => host.InboundHealthAsync(), h => h["status"]!.GetValue<string>() == "up", because: "the next poll saves its cursor");
        var saved = _box.Gateway.Gateway.Messages.Count;
        await Eventually.WaitFor(() => _box.Gateway.Gateway.Messages.Count > saved, because: "the activation polls on");
        File.ReadAllText(Directory.GetFiles(Path.Combine(_box.State, "inbound"), "*.cursor").Single()).Should().NotBeEmpty();
    }

    [Fact]
    public async Task A_cursor_file_that_is_not_a_regular_file_is_refused_not_read()
    {
        Directory.CreateDirectory(_box.State);
        // A named pipe with no writer: opening it to read would block for good.
        var fifo = Path.Combine(_box.State, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("poller")))[..32] + ".cursor");
        using (var mkfifo = Process.Start("mkfifo", fifo))
            await mkfifo.WaitForExitAsync();
        await using var host = await StartHostAsync("cursor", _box.State);

        var down = await host.InboundDownAsync("the cursor cannot be read");
        down["reason"]!.GetValue<string>().Should().Contain("is not a regular file").And.Contain(fifo);
    }

    [Fact]
    public async Task An_event_the_gateway_does_not_take_within_the_call_timeout_is_reported_as_not_delivered_in_time()
    {
        // A broker that takes publishes and never answers: the host gives up on the event at its call timeout. That is
        // the host's own deadline; it was reported as an answer of the gateway's ("the gateway answered Cancelled").
        _box.Gateway.Gateway.HangPublishes = true;
        await using var host = await StartHostAsync("cursor", _box.State, "Switchboard:Catalog:DefaultTimeout=00:00:01");

        var down = await host.InboundDownAsync("the first event is not delivered");
        down["reason"]!.GetValue<string>().Should().StartWith("event 1 of ").And.EndWith(" was not delivered within 1 s")
            .And.NotContain("Cancelled");
    }

    [Fact]
    public async Task A_poll_that_gives_a_null_result_is_reported_down_not_taken_for_success()
    {
        await using var host = await StartHostAsync("nullresult", _box.State);

        var down = await host.InboundDownAsync("a null result is not a poll that went through");
        down["reason"]!.GetValue<string>().Should().Be("the poll failed: the connector gave no PollResult (null)");
    }
}

/// <summary>The same, with the HostileInbound plugin in a worker process (<c>Isolation=process</c>): a poll fails, and the activation goes on, as in the host.</summary>
public sealed class IsolatedPollingFailureTests : PollingFailureTests
{
    protected override string[] Isolation => ["Plugins:HostileInbound:Isolation=process"];
}
