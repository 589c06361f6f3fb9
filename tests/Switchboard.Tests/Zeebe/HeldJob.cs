using System.Text.Json.Nodes;
using Switchboard.Host.Protocols.Zeebe;

namespace Switchboard.Tests.Zeebe;

/// <summary>A job type the host serves itself whose jobs run until the test releases them, so a test can change the
/// world (a token, a gateway switch) while a job is running and watch how its result is reported.</summary>
internal sealed class HeldJob : IHostJob
{
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Type => "test.switchboard:held:1";

    /// <summary>Completes once a job has started running.</summary>
    public Task Started => _started.Task;

    /// <summary>Lets every held job finish.</summary>
    public void Release() => _release.TrySetResult();

    public async Task<HostJobResult> RunAsync(JsonObject variables, IReadOnlySet<string> secrets, CancellationToken cancellationToken)
    {
        _started.TrySetResult();
        await _release.Task.WaitAsync(cancellationToken);
        return HostJobResult.Completed(new JsonObject { ["done"] = true });
    }
}
