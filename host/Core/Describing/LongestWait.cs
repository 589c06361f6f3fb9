namespace Switchboard.Core.Describing;

/// <summary>The longest wait the runtime's timers take (<c>Task.Delay</c>, <c>CancellationTokenSource.CancelAfter</c>):
/// 2^32 − 2 milliseconds, about 49.7 days. A timeout or an interval beyond it does not mean "longer", it throws when the
/// timer is set, so settings are held to it where they are read.</summary>
internal static class LongestWait
{
    /// <summary>About 49.7 days.</summary>
    public static readonly TimeSpan Value = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    /// <summary>The same as settings write it, <c>49.17:02:47</c>, for the messages that name the limit.</summary>
    public static readonly string Text = Value.ToString(@"d\.hh\:mm\:ss", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The same in whole seconds (4,294,967).</summary>
    public static readonly int Seconds = (int)Value.TotalSeconds;
}
