using Microsoft.Extensions.Primitives;
using Switchboard.Host.Catalog;
using Switchboard.Host.Invocation;

namespace Switchboard.Host.Dashboard;

/// <summary>The dashboard's live feed as its clients share it: one serialised state per change of the host, and a
/// bound on how many clients follow it at once.</summary>
/// <remarks>
/// Each client used to build and serialise the whole state itself on every change, so every open dashboard added that
/// work to every connector call (a call records itself, which is a change): with 1000 clients a CSP call's median went
/// from 2 ms to 109 ms. Now the first client to see a change builds the state once and the others send the same text;
/// and clients past <see cref="DashboardOptions.MaxFeedClients"/> are refused, so their number cannot grow the work of
/// keeping them informed without end.
/// </remarks>
internal sealed class DashboardFeed(DashboardState state, PluginCatalog catalog, RecentCalls calls, DashboardOptions options)
{
    private readonly Lock _building = new();
    private Snapshot? _current;
    private int _clients;

    /// <summary>The state at one moment, serialised, with what it was built from: it stays current until a plugin's
    /// status changes or a call is recorded.</summary>
    public sealed record Snapshot(IChangeToken StatusChange, long CallsVersion, string Json);

    /// <summary>How many calls were recorded so far: a snapshot is current for one such count.</summary>
    public long CallsRecorded => calls.Version;

    /// <summary>How many clients follow the feed now.</summary>
    public int Clients => Volatile.Read(ref _clients);

    /// <summary>The current state: the one already built when nothing changed since, else built now, once, for every
    /// client that asks until the next change.</summary>
    public Snapshot Current()
    {
        var current = Volatile.Read(ref _current);
        if (IsCurrent(current))
            return current!;
        lock (_building)
        {
            current = _current;
            if (IsCurrent(current))
                return current!;
            // Read before building: a change while it is built leaves this snapshot stale, so the next read builds again
            // and no change is missed.
            var statusChange = catalog.StatusChangeToken;
            var callsVersion = calls.Version;
            current = new Snapshot(statusChange, callsVersion, state.Build().ToJsonString());
            Volatile.Write(ref _current, current);
            return current;
        }
    }

    /// <summary>Takes one of the feed's places for a client; false when all are taken. Give it back with <see cref="Leave"/>.</summary>
    public bool TryJoin()
    {
        if (Interlocked.Increment(ref _clients) <= options.MaxFeedClients)
            return true;
        Interlocked.Decrement(ref _clients);
        return false;
    }

    /// <summary>Gives back the place <see cref="TryJoin"/> took.</summary>
    public void Leave() => Interlocked.Decrement(ref _clients);

    private bool IsCurrent(Snapshot? snapshot) =>
        snapshot is not null && !snapshot.StatusChange.HasChanged && snapshot.CallsVersion == calls.Version;
}
