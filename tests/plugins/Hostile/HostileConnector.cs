using Switchboard.Abstractions;
using Switchboard.Abstractions.Spiff;

namespace Switchboard.TestPlugins.Hostile;

/// <summary>Plugin code that misbehaves the ways third-party code does: it blocks, hangs and starts threads.</summary>
/// <remarks>
/// What it does is chosen by marker files a test drops into the plugin's folder: <c>block-constructor</c>,
/// <c>block-start</c>, <c>block-stop</c>, <c>block-stop-sync</c> and <c>block-dispose</c> (in <see cref="HostileLifecycle"/>)
/// and <c>foreground-thread</c>.
/// </remarks>
[Connector("test.switchboard:hostile:1", Name = "Hostile"), SpiffCommand("hostile/Block")]
public sealed class HostileConnector
{
    private readonly IPluginContext _plugin;

    public HostileConnector(IPluginContext plugin)
    {
        _plugin = plugin;
        if (Marker.Present(plugin, "block-constructor"))
            Thread.Sleep(Timeout.Infinite);
        if (Marker.Present(plugin, "foreground-thread"))
            new Thread(() => Thread.Sleep(Timeout.Infinite)) { IsBackground = false, Name = "hostile foreground" }.Start();
    }

    /// <summary>Blocks its thread for good, deaf to cancellation.</summary>
    [Operation("block", TimeoutSeconds = 3), SpiffCommand("hostile/Block")]
    public HostileOutput Block(HostileInput input)
    {
        Thread.Sleep(Timeout.Infinite);
        return new HostileOutput("never");
    }

    /// <summary>Awaits forever, deaf to cancellation: a call no timeout can end. Drops <c>hang-started</c> into its folder first.</summary>
    [Operation("hang", TimeoutSeconds = 600), SpiffCommand("hostile/Hang")]
    public async Task<HostileOutput> Hang(HostileInput input)
    {
        await File.WriteAllTextAsync(Path.Combine(_plugin.PluginDirectory, "hang-started"), "");
        await Task.Delay(Timeout.Infinite, CancellationToken.None);
        return new HostileOutput("never");
    }

    /// <summary>Never reached when its input's note is <c>block</c>: binding that input blocks its thread for good.</summary>
    [Operation("stuckInput", TimeoutSeconds = 2), SpiffCommand("hostile/StuckInput")]
    public HostileOutput StuckInput(StuckInput input) => new("bound");

    /// <summary>Answers an output of a type the host first meets at this call, whose parameterless constructor (which the
    /// operation does not use) blocks its thread for good.</summary>
    [Operation("newOutput", TimeoutSeconds = 2)]
    public object NewOutput(HostileInput input) => new StuckDefaults("new");

    /// <summary>Awaits until cancelled, having registered on its token a callback that throws: cancelled by the call's
    /// deadline, the callback runs on the deadline's timer thread.</summary>
    [Operation("throwOnCancel", TimeoutSeconds = 1)]
    public async Task<HostileOutput> ThrowOnCancel(HostileInput input, IConnectorContext context)
    {
        context.CancellationToken.Register(() => throw new InvalidOperationException("the plugin's cancellation callback failed"));
        await Task.Delay(Timeout.Infinite, context.CancellationToken);
        return new HostileOutput("never");
    }

    /// <summary>Answers an output of another type the host first meets at this call.</summary>
    [Operation("otherOutput", TimeoutSeconds = 2)]
    public object OtherOutput(HostileInput input) => new OtherOutput { Result = "other" };

    /// <summary>Awaits until cancelled, having registered on its token a callback that blocks its thread until the file
    /// named by the input's note exists (a client library whose cancel closes a connection synchronously, and hangs on a
    /// peer that does not answer). Drops <c>cancel-hook-started</c> beside that file when the call starts and
    /// <c>cancel-hook-running</c> when the callback runs (not into the plugin's folder, which a write would reload).</summary>
    [Operation("blockOnCancel", TimeoutSeconds = 600), SpiffCommand("hostile/BlockOnCancel")]
    public async Task<HostileOutput> BlockOnCancel(HostileInput input, IConnectorContext context)
    {
        var release = input.Note ?? "";
        var folder = Path.GetDirectoryName(release)!;
        context.CancellationToken.Register(() =>
        {
            File.WriteAllText(Path.Combine(folder, "cancel-hook-running"), "");
            while (!File.Exists(release))
                Thread.Sleep(20);
        });
        await File.WriteAllTextAsync(Path.Combine(folder, "cancel-hook-started"), "");
        await Task.Delay(Timeout.Infinite, context.CancellationToken);
        return new HostileOutput("never");
    }

    /// <summary>Awaits until cancelled, having registered on its token a callback that drops <c>cancel-hook-running</c>
    /// and then throws; its deadline is far, so what cancels it is its caller going away. Drops <c>cancel-hook-started</c>
    /// when the call starts; both beside the file named by the input's note.</summary>
    [Operation("throwOnCallerCancel", TimeoutSeconds = 600)]
    public async Task<HostileOutput> ThrowOnCallerCancel(HostileInput input, IConnectorContext context)
    {
        var folder = Path.GetDirectoryName(input.Note ?? "")!;
        context.CancellationToken.Register(() =>
        {
            File.WriteAllText(Path.Combine(folder, "cancel-hook-running"), "");
            throw new InvalidOperationException("the plugin's cancellation callback failed");
        });
        await File.WriteAllTextAsync(Path.Combine(folder, "cancel-hook-started"), "");
        await Task.Delay(Timeout.Infinite, context.CancellationToken);
        return new HostileOutput("never");
    }

    /// <summary>Answers at once.</summary>
    [Operation("ping"), SpiffCommand("hostile/Ping")]
    public HostileOutput Ping(HostileInput input) => new("pong");
}

/// <summary>Blocks in <see cref="StartAsync"/> itself, before returning any task, when the folder holds <c>block-start</c>.</summary>
public sealed class HostileLifecycle(IPluginContext plugin) : IPluginLifecycle, IDisposable
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (Marker.Present(plugin, "block-start"))
            Thread.Sleep(Timeout.Infinite);
        return Task.CompletedTask;
    }

    /// <summary>Never finishes, deaf to cancellation, when the folder holds <c>block-stop</c>; blocks its thread for
    /// good before returning any task when it holds <c>block-stop-sync</c>.</summary>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        if (Marker.Present(plugin, "block-stop-callback"))
            return StopBlockingInCallbackAsync(File.ReadAllText(Path.Combine(plugin.PluginDirectory, "block-stop-callback")).Trim(), cancellationToken);
        if (Marker.Present(plugin, "block-stop-sync"))
            Thread.Sleep(Timeout.Infinite);
        return Marker.Present(plugin, "block-stop") ? Task.Delay(Timeout.Infinite, CancellationToken.None) : Task.CompletedTask;
    }

    /// <summary>With <c>block-stop-callback</c> (holding a file path): deaf to its token in its own awaits, but registers on
    /// it, once stopping is under way, a callback that blocks its thread until that file exists (a client library whose
    /// cancel closes a connection synchronously); drops the path with <c>.running</c> appended when the callback runs.</summary>
    private static async Task StopBlockingInCallbackAsync(string release, CancellationToken cancellationToken)
    {
        await Task.Delay(200, CancellationToken.None);
        cancellationToken.Register(() =>
        {
            File.WriteAllText(release + ".running", "");
            while (!File.Exists(release))
                Thread.Sleep(20);
        });
        await Task.Delay(Timeout.Infinite, CancellationToken.None);
    }

    /// <summary>Blocks its thread for good when the folder holds <c>block-dispose</c>.</summary>
    public void Dispose()
    {
        if (Marker.Present(plugin, "block-dispose"))
            Thread.Sleep(Timeout.Infinite);
    }
}

internal static class Marker
{
    public static bool Present(IPluginContext plugin, string name) => File.Exists(Path.Combine(plugin.PluginDirectory, name));
}

public sealed class HostileInput
{
    public string? Note { get; set; }
}

public sealed record HostileOutput(string Result);

/// <summary>An input whose setter blocks its thread for good, deaf to cancellation, when given <c>block</c>.</summary>
public sealed class StuckInput
{
    private string? _note;

    public string? Note
    {
        get => _note;
        set
        {
            if (value == "block")
                Thread.Sleep(Timeout.Infinite);
            _note = value;
        }
    }
}

/// <summary>An output whose parameterless constructor blocks its thread for good, deaf to cancellation.</summary>
public sealed class StuckDefaults
{
    public StuckDefaults() => Thread.Sleep(Timeout.Infinite);

    public StuckDefaults(string result) => Result = result;

    public string Result { get; set; } = "";
}

public sealed class OtherOutput
{
    public string Result { get; set; } = "";
}
