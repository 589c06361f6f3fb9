using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Switchboard.Host.Protocols.Inbound;

namespace Switchboard.Tests.Inbound;

/// <summary>The registry of activations by webhook path, changed from two sides at once: discovery rounds and tasks.</summary>
public sealed class ActivationRegistryTests
{
    private static Activation Webhook(string id) => new(id, "io.camunda:webhook:1", id, new Dictionary<string, string>(), "m", null, null, null, null,
        Activation.DefaultMessageTtl, null, null, false);

    // A side that failed leaves the other waiting: give up after a while rather than hang the run.
    private static void Meet(Barrier barrier)
    {
        if (!barrier.SignalAndWait(TimeSpan.FromSeconds(30)))
            throw new TimeoutException("the other side of the race stopped");
    }

    [Fact]
    public async Task A_task_activation_added_during_a_discovery_round_keeps_its_path()
    {
        const int Races = 1500;
        var registry = new ActivationRegistry(Options.Create(new InboundOptions { MaxTaskActivations = Races }), NullLogger<ActivationRegistry>.Instance);
        IReadOnlyList<Activation>[] rounds = [[Webhook("found-a")], [Webhook("found-b"), Webhook("found-c")]];
        using var barrier = new Barrier(2);
        var lost = new List<int>();

        // Each race: a task adds its activation while a discovery round changes the discovered ones. A round's index built
        // from the tasks before the task was added, swapped in after the task's own index, lost the task's path until
        // the next change.
        var tasks = Task.Factory.StartNew(() =>
        {
            for (var i = 0; i < Races; i++)
            {
                Meet(barrier);
                registry.SetTaskActivation(Webhook("task-" + i));
                Meet(barrier);
                if (!registry.TryGet("task-" + i, out _))
                    lost.Add(i);
            }
        }, TaskCreationOptions.LongRunning);
        var discovery = Task.Factory.StartNew(() =>
        {
            for (var i = 0; i < Races; i++)
            {
                Meet(barrier);
                registry.SetDiscovered(rounds[i % 2]);
                Meet(barrier);
            }
        }, TaskCreationOptions.LongRunning);
        await Task.WhenAll(tasks, discovery);

        lost.Should().BeEmpty("every task's path is served once both changes are done");
    }
}
