namespace Switchboard.Host.Protocols.Zeebe;

/// <summary>The room one job type has for running jobs (<see cref="ZeebeOptions.MaxJobsActive"/>), shared by the type's
/// open worker and any worker of the type still draining its jobs.</summary>
/// <remarks>A redeployed or reshaped connector gets a new worker while its old one drains: each with room of its own, the
/// type held up to twice the jobs the setting allows. A job ending in the draining worker frees room the open worker
/// takes, so the end wakes the open worker's poller, which waits for room without a timer when streaming is off.</remarks>
internal sealed class JobCapacity(int size)
{
    private readonly SemaphoreSlim _room = new(size, size);
    private Action? _wakeOwner;

    /// <summary>Room for this many more jobs now.</summary>
    public int Free => _room.CurrentCount;

    /// <summary>Waits for room for one job, which <see cref="Release"/> gives back.</summary>
    public Task WaitAsync(CancellationToken cancellationToken) => _room.WaitAsync(cancellationToken);

    /// <summary>Gives back one job's room.</summary>
    public void Release() => _room.Release();

    /// <summary>Makes <paramref name="wake"/> the open worker's wake-up, called when a draining worker's job ends.</summary>
    public void Own(Action wake) => Volatile.Write(ref _wakeOwner, wake);

    /// <summary>Tells the open worker that room was freed by a job it did not start.</summary>
    public void WakeOwner() => Volatile.Read(ref _wakeOwner)?.Invoke();
}
