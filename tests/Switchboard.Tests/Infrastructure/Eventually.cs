namespace Switchboard.Tests.Infrastructure;

/// <summary>Waits for something the host does in the background, such as a reload after a file write.</summary>
public static class Eventually
{
    public static async Task<T> WaitFor<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan? timeout = null, string? because = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        T last;
        while (true)
        {
            last = await probe();
            if (done(last))
                return last;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"condition not met in time{(because is null ? "" : ": " + because)}; last value: {last}");
            await Task.Delay(50);
        }
    }

    public static Task WaitFor(Func<bool> done, TimeSpan? timeout = null, string? because = null) =>
        WaitFor(() => Task.FromResult(done()), d => d, timeout, because);
}
