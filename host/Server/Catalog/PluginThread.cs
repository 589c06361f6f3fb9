namespace Switchboard.Host.Catalog;

/// <summary>Runs one piece of plugin code (a generation's load and start, a lifecycle's stop, an instance's dispose) on
/// a background thread of its own, so that code blocking synchronously holds only that thread: the caller awaits the
/// returned task with a time limit, and a limit can only hold for code that has handed back a task.</summary>
internal static class PluginThread
{
    /// <summary>Starts <paramref name="code"/> on a new background thread named <paramref name="name"/>; the task ends
    /// with the task the code returns (or what it throws).</summary>
    public static Task<T> Run<T>(string name, Func<Task<T>> code)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                var running = code() ?? throw new InvalidOperationException("it returned no task (null)");
                running.ContinueWith(static (ended, state) =>
                {
                    var done = (TaskCompletionSource<T>)state!;
                    if (ended.IsFaulted)
                        done.TrySetException(ended.Exception!.InnerExceptions);
                    else if (ended.IsCanceled)
                        done.TrySetCanceled();
                    else
                        done.TrySetResult(ended.Result);
                }, done, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
            catch (Exception e)
            {
                done.TrySetException(e);
            }
        })
        {
            // A plugin stuck here must never keep the process alive at shutdown.
            IsBackground = true,
            Name = name,
        };
        thread.Start();
        return done.Task;
    }

    /// <inheritdoc cref="Run{T}"/>
    public static Task Run(string name, Func<Task> code) => Run(name, async () =>
    {
        await (code() ?? throw new InvalidOperationException("it returned no task (null)"));
        return true;
    });
}
