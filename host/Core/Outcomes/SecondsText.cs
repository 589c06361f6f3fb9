using System.Globalization;

namespace Switchboard.Core.Outcomes;

/// <summary>A duration as the host's messages write it: <c>2.5 s</c>.</summary>
/// <remarks>In the invariant culture: plugin code may set the process's default culture, and a message of the host's
/// read "within 2,5 s" for every caller after a connector had set a German one.</remarks>
internal static class SecondsText
{
    /// <summary>The duration's seconds with at most three decimals, then <c> s</c>.</summary>
    public static string Of(TimeSpan duration) => duration.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";
}
