using Switchboard.Host.Protocols.Zeebe.Gateway;

namespace Switchboard.Host.Protocols.Zeebe;

/// <summary>An activated job's deadline as a point in time.</summary>
internal static class JobDeadline
{
    private static readonly long Earliest = DateTimeOffset.MinValue.ToUnixTimeMilliseconds();
    private static readonly long Latest = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();

    /// <summary>The job's deadline, held to what a <see cref="DateTimeOffset"/> can be: the gateway sends any int64, and one
    /// out of range must not keep the job from being run and reported.</summary>
    public static DateTimeOffset Of(ActivatedJob job) => DateTimeOffset.FromUnixTimeMilliseconds(Math.Clamp(job.Deadline, Earliest, Latest));
}
