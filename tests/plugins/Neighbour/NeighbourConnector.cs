using System.Globalization;
using Switchboard.Abstractions;
using Switchboard.Abstractions.Spiff;

namespace Switchboard.TestPlugins.Neighbour;

/// <summary>A noisy neighbour: plugin code that spends what the whole process shares.</summary>
[Connector("test.switchboard:neighbour:1", Name = "Neighbour")]
public sealed class NeighbourConnector
{
    /// <summary>Awaits once, then blocks its thread for good, deaf to cancellation: sync-over-async after the first
    /// await (a synchronous socket read, a lock, a sleep), the commonest way real connector code blocks.</summary>
    [Operation("blockAfterAwait", TimeoutSeconds = 3), SpiffCommand("neighbour/BlockAfterAwait")]
    public async Task<NeighbourOutput> BlockAfterAwait(NeighbourInput input)
    {
        await Task.Yield();
        Thread.Sleep(Timeout.Infinite);
        return new NeighbourOutput("never");
    }

    /// <summary>Sets the process's default culture to one writing a decimal comma (as a library initialising itself
    /// for a German user might), then answers.</summary>
    [Operation("setCulture"), SpiffCommand("neighbour/SetCulture")]
    public NeighbourOutput SetCulture(NeighbourInput input)
    {
        var culture = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        culture.NumberFormat.NumberDecimalSeparator = ",";
        culture.NumberFormat.NumberGroupSeparator = ".";
        CultureInfo.DefaultThreadCurrentCulture = culture;
        CultureInfo.DefaultThreadCurrentUICulture = culture;
        return new NeighbourOutput("set");
    }

    private static readonly ManualResetEventSlim ConsoleReleased = new(false);

    /// <summary>Holds the process's console writer (<c>lock (Console.Out)</c>, as <c>TextWriter.Synchronized</c> writers
    /// lock themselves) on a thread of its own until <c>releaseConsole</c>, at most two minutes; answers once it holds it.</summary>
    [Operation("holdConsole")]
    public NeighbourOutput HoldConsole(NeighbourInput input)
    {
        ConsoleReleased.Reset();
        using var held = new ManualResetEventSlim(false);
        var writer = Console.Out;
        new Thread(() =>
        {
            lock (writer)
            {
                held.Set();
                ConsoleReleased.Wait(TimeSpan.FromMinutes(2));
            }
        }) { IsBackground = true, Name = "neighbour console holder" }.Start();
        held.Wait();
        return new NeighbourOutput("held");
    }

    /// <summary>Lets go of the console writer <c>holdConsole</c> holds.</summary>
    [Operation("releaseConsole")]
    public NeighbourOutput ReleaseConsole(NeighbourInput input)
    {
        ConsoleReleased.Set();
        return new NeighbourOutput("released");
    }

    /// <summary>Never reached when its input's note is <c>block</c>: binding that input blocks its thread (see
    /// <see cref="StuckSetterInput"/>).</summary>
    [Operation("stuckSetter", TimeoutSeconds = 2)]
    public NeighbourOutput StuckSetter(StuckSetterInput input) => new("bound");

    internal static readonly TaskCompletionSource Released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    internal static int Holding;

    /// <summary>Holds its concurrency slot, awaiting (no thread held) until <c>releaseHold</c>, at most a minute.</summary>
    [Operation("hold", TimeoutSeconds = 90)]
    public async Task<NeighbourOutput> Hold(NeighbourInput input)
    {
        Interlocked.Increment(ref Holding);
        try
        {
            await Released.Task.WaitAsync(TimeSpan.FromMinutes(1));
        }
        catch (TimeoutException)
        {
        }
        Interlocked.Decrement(ref Holding);
        return new NeighbourOutput("held");
    }

    /// <summary>Answers at once.</summary>
    [Operation("ping"), SpiffCommand("neighbour/Ping")]
    public NeighbourOutput Ping(NeighbourInput input) => new("pong");
}

/// <summary>Reports and releases what <see cref="StuckSetterInput"/> blocked: a connector of its own, so that its calls
/// take none of <see cref="NeighbourConnector"/>'s slots.</summary>
[Connector("test.switchboard:neighbour-probe:1", Name = "Neighbour probe")]
public sealed class NeighbourProbeConnector
{
    /// <summary>How many threads the setter holds now, and the most it held at once.</summary>
    [Operation("blockedSetters")]
    public BlockedSetters Blocked(NeighbourInput input) => new(StuckSetterInput.Blocked, StuckSetterInput.MostBlocked);

    /// <summary>How many <c>hold</c> calls hold their slot now.</summary>
    [Operation("holding")]
    public NeighbourOutput HoldingNow(NeighbourInput input) => new(Volatile.Read(ref NeighbourConnector.Holding).ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Ends every <c>hold</c>.</summary>
    [Operation("releaseHold")]
    public NeighbourOutput ReleaseHold(NeighbourInput input)
    {
        NeighbourConnector.Released.TrySetResult();
        return new NeighbourOutput("released");
    }

    /// <summary>Lets every blocked setter go.</summary>
    [Operation("releaseSetters")]
    public NeighbourOutput Release(NeighbourInput input)
    {
        StuckSetterInput.Released.Set();
        return new NeighbourOutput("released");
    }
}

public sealed record BlockedSetters(int Blocked, int MostBlocked);

/// <summary>An input whose <c>note</c> setter, given <c>block</c>, holds its thread until released (at most two minutes),
/// counting the threads it holds.</summary>
public sealed class StuckSetterInput
{
    internal static readonly ManualResetEventSlim Released = new(false);
    internal static int Blocked;
    internal static int MostBlocked;
    private string? _note;

    public string? Note
    {
        get => _note;
        set
        {
            if (value == "block")
            {
                var now = Interlocked.Increment(ref Blocked);
                int most;
                while ((most = Volatile.Read(ref MostBlocked)) < now && Interlocked.CompareExchange(ref MostBlocked, now, most) != most)
                {
                }
                Released.Wait(TimeSpan.FromMinutes(2));
                Interlocked.Decrement(ref Blocked);
            }
            _note = value;
        }
    }
}

public sealed class NeighbourInput
{
    public string? Note { get; set; }
}

public sealed record NeighbourOutput(string Result);
