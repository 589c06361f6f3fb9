namespace Switchboard.Host.Isolation;

/// <summary>A message over <see cref="WorkerFrames.MaxBytes"/> that <see cref="FrameWriter"/> refused to send: nothing of
/// it went out, so the connection is still good and the call it belongs to can be answered with why.</summary>
internal sealed class FrameTooLargeException(int bytes)
    : Exception($"a worker message of {bytes} bytes is over the limit of {WorkerFrames.MaxBytes}")
{
    /// <summary>The message's length.</summary>
    public int Bytes { get; } = bytes;

    /// <summary>The limit as people read it, for the errors that name it.</summary>
    public static string Limit => $"{WorkerFrames.MaxBytes / (1024 * 1024)} MiB";
}
