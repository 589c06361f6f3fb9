using Switchboard.Abstractions;
using Switchboard.Abstractions.Spiff;

namespace Switchboard.TestPlugins.KitParity;

/// <summary>Operations whose answers the kit and the host should give alike.</summary>
[Connector("test.switchboard:kitparity:1", Name = "Kit parity")]
public sealed class KitParityConnector
{
    /// <summary>What the connector reads about its call from <c>context.Invocation</c>.</summary>
    [Operation("who"), SpiffCommand("kitparity/Who")]
    public WhoOutput Who(Nothing input, IConnectorContext context) => new()
    {
        RequestId = context.Invocation.RequestId,
        ProcessInstanceId = context.Invocation.ProcessInstanceId,
        Operation = context.Invocation.Operation,
    };

    /// <summary>Writes <c>Marker</c> when it starts, then waits until <c>Release</c> exists (or its call is cancelled).</summary>
    [Operation("hold"), SpiffCommand("kitparity/Hold")]
    public async Task<string> Hold(HoldInput input, IConnectorContext context)
    {
        File.WriteAllText(input.Marker, "started");
        while (!File.Exists(input.Release))
            await Task.Delay(20, context.CancellationToken);
        return "held";
    }

    /// <summary>Answers at once.</summary>
    [Operation("quick"), SpiffCommand("kitparity/Quick")]
    public string Quick(Nothing input) => "quick";

    /// <summary>Echoes its text.</summary>
    [Operation("echo"), SpiffCommand("kitparity/Echo")]
    public string Echo(EchoInput input) => input.Text;
}

/// <summary>No parameters.</summary>
public sealed class Nothing
{
    public string? Note { get; set; }
}

/// <summary>Where the hold writes its start, and the file that ends it.</summary>
public sealed class HoldInput
{
    public string Marker { get; set; } = "";
    public string Release { get; set; } = "";
}

/// <summary>One text.</summary>
public sealed class EchoInput
{
    public string Text { get; set; } = "";
}

/// <summary>What <c>context.Invocation</c> said.</summary>
public sealed class WhoOutput
{
    public string? RequestId { get; set; }
    public string? ProcessInstanceId { get; set; }
    public string? Operation { get; set; }
}

/// <summary>A connector class that is not public, as code-style rules often make classes: the author's test project
/// reaches it through InternalsVisibleTo.</summary>
[Connector("test.switchboard:kitparity-internal:1", Name = "Internal kit parity")]
internal sealed class InternalConnector
{
    [Operation]
    public string Run(Nothing input) => "served";
}

/// <summary>A connector that is its own lifecycle, as the README's "Background work" suggests for one that starts
/// something: its start checks the <c>Endpoint</c> setting, refusing the plugin when it is no absolute URL.</summary>
[Connector("test.switchboard:kitparity-started:1", Name = "Self-starting kit parity")]
public sealed class SelfStartingConnector(IPluginContext plugin) : IPluginLifecycle
{
    private bool _started;

    /// <summary>Says whether the instance serving the call is the one that was started.</summary>
    [Operation]
    public string Run(Nothing input) => _started ? "served by the started instance" : "served by an instance that was never started";

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(plugin.Configuration["Endpoint"] ?? "http://localhost/", UriKind.Absolute, out _))
            throw new InvalidOperationException("Endpoint must be an absolute URL");
        _started = true;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
