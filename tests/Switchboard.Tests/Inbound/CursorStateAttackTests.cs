using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using FluentAssertions.Execution;
using Switchboard.Tests.Infrastructure;
using Switchboard.ZeebeTestGateway;

namespace Switchboard.Tests.Inbound;

/// <summary>Attack round sixteen (B): a poller's state on disk that is not what the host wrote (a folder where a cursor
/// file belongs), a cursor that cannot be moved into place, and a poll that hands nothing between a poll whose events
/// were not all delivered and its repeat.</summary>
public sealed class CursorStateAttackTests : IAsyncLifetime
{
    private HostileInboundSandbox _box = null!;

    public async Task InitializeAsync() => _box = await HostileInboundSandbox.StartAsync();

    public async Task DisposeAsync() => await _box.DisposeAsync();

    private Task<RunningHost> StartHostAsync(string mode) => RunningHost.StartAsync(_box.Plugins.Directory,
        "Switchboard:Zeebe:Address=" + _box.Gateway.Address,
        "Switchboard:Inbound:StateDirectory=" + _box.State,
        "Switchboard:Inbound:DefaultPollInterval=00:00:00.100",
        "Switchboard:Inbound:Activations:poller:inbound.type=test.switchboard:hostile-poll:1",
        "Switchboard:Inbound:Activations:poller:mode=" + mode,
        "Switchboard:Inbound:Activations:poller:count=100",
        "Switchboard:Inbound:Activations:poller:messageName=polled",
        "Switchboard:Inbound:Activations:poller:resultVariable=polled",
        "Switchboard:Inbound:Activations:poller:correlationKeyExpression==\"k\"");

    private string CursorPath => Path.Combine(_box.State, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("poller")))[..32] + ".cursor");

    [Fact]
    public async Task A_folder_where_the_cursor_file_belongs_is_refused_as_not_a_regular_file_and_nothing_is_polled_from_no_cursor()
    {
        // The cursor's path is taken by a folder (a restored backup, a volume mounted at the wrong place): the saved
        // position cannot be read. Polling from no cursor would hand the source's whole history again as new events.
        Directory.CreateDirectory(CursorPath);
        await using var host = await StartHostAsync("cursor");

        var down = await host.InboundDownAsync("the cursor cannot be read");

        using var scope = new AssertionScope();
        down["reason"]!.GetValue<string>().Should().StartWith("the cursor could not be read:").And.Contain("not a regular file",
            "docs/inbound.md: a cursor file that is not a regular file leaves the activation down with the reason");
        _box.Gateway.Gateway.Messages.Should().BeEmpty("an activation whose cursor cannot be read does not poll from the beginning");
    }

    [Fact]
    public async Task A_cursor_that_cannot_be_moved_into_place_leaves_no_temporary_file_behind_at_each_poll()
    {
        await using var host = await StartHostAsync("cursor");
        await Eventually.WaitFor(() => File.Exists(CursorPath), because: "the first poll saves its cursor");
        // The cursor's place is taken by a folder while the host runs: each poll's temporary file cannot be moved over it.
        File.Delete(CursorPath);
        Directory.CreateDirectory(CursorPath);
        await Eventually.WaitFor(() => host.InboundHealthAsync(), h => h["reason"]?.GetValue<string>()?.StartsWith("the cursor could not be saved:") == true,
            because: "the cursor cannot be saved");
        var repeats = _box.Gateway.Gateway.RefusedRepeats;
        await Eventually.WaitFor(() => _box.Gateway.Gateway.RefusedRepeats >= repeats + 3, because: "the same move is polled again, its cursor unsaved");

        // Polls go on every 100 ms, and a save in progress holds its temporary file for a moment: a leaked file never
        // goes away, so the folder must be seen without any (a check at one instant met a save of the poll's unsettled
        // record in progress, on a loaded machine).
        await Eventually.WaitFor(() => Task.FromResult(string.Join(", ", Directory.GetFiles(_box.State, "*.tmp").Select(Path.GetFileName))), left => left.Length == 0,
            because: "a save that failed removes its temporary file: else the state folder gains a file at every poll for as long as the failure lasts");
    }

    [Fact]
    public async Task A_poll_that_hands_nothing_between_an_undelivered_poll_and_its_repeat_does_not_lose_the_ids_of_the_events_that_went_out()
    {
        // The first poll's first event reaches Zeebe but its answer is lost: the poll is unsettled, its move and ids kept.
        _box.Gateway.Gateway.LoseNextPublishAnswer();
        await using var host = await StartHostAsync("gap");

        // The second poll hands nothing and keeps the cursor (it has not moved on); the third hands the first poll's events again.
        await Eventually.WaitFor(() => _box.Gateway.Gateway.Messages.Any(m => m.Variables["polled"]?["e"]?.GetValue<int>() == 2),
            because: "the repeat of the first poll delivers its second event");

        using var scope = new AssertionScope();
        _box.Gateway.Gateway.Messages.Count(m => m.Variables["polled"]?["e"]?.GetValue<int>() == 1).Should().Be(1,
            "docs/inbound.md: when a poll is polled again because not all of its events were delivered (the same cursor, moved to " +
            "the same new one), its events are published under the same ids; they are dropped once the cursor moves on, and it has not");
        _box.Gateway.Gateway.RefusedRepeats.Should().Be(1);
    }
}
