namespace Switchboard.Abstractions;

/// <summary>Marks a class as an outbound connector and declares its identity on every protocol.</summary>
/// <remarks>
/// The class must be public and have a public parameterless constructor or one taking
/// <see cref="IPluginContext"/>. Its operations are its public methods marked <see cref="OperationAttribute"/>.
/// </remarks>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ConnectorAttribute : Attribute
{
    /// <summary>Declares a connector with its stable type string, e.g. <c>io.switchboard:calculator:1</c>.</summary>
    public ConnectorAttribute(string type) => Type = type;

    /// <summary>Stable type string: the Zeebe job type and the CSP method.</summary>
    public string Type { get; }

    /// <summary>Display name shown in listings and element templates.</summary>
    public string? Name { get; set; }

    /// <summary>One-sentence description of what the connector does.</summary>
    public string? Description { get; set; }

    /// <summary>Version of the connector's contract; element templates carry it. Each version of one type (<c>:1</c>, <c>:2</c>)
    /// declares its own: two that declare one fail their plugin's load.</summary>
    public int Version { get; set; } = 1;

    /// <summary>SpiffWorkflow command id (<c>plugin/Command</c>) of a single-operation connector.</summary>
    [Obsolete("Use [SpiffCommand(\"plugin/Command\")] from Switchboard.Abstractions.Spiff: protocol settings live beside the protocol.")]
    public string? SpiffCommand { get; set; }

    /// <summary>Longest a call may run, in seconds; 0 uses the host's default. The host's timers reach about 49 days
    /// (4,294,967 s): a longer timeout is held to that.</summary>
    public int TimeoutSeconds { get; set; }

    /// <summary>Whether calls may outlast a synchronous HTTP request, so protocols with callbacks run them in the background.</summary>
    public bool LongRunning { get; set; }

    /// <summary>Link to the connector's documentation.</summary>
    public string? DocumentationUrl { get; set; }

    /// <summary>The connector's icon in element templates: the name of an SVG or PNG file shipped in the plugin's
    /// folder (e.g. <c>icon.svg</c>, at most 64 KiB), or a <c>data:</c> URI.</summary>
    public string? Icon { get; set; }

    /// <summary>Words the Modeler's search finds the connector by, beside its name (e.g. <c>"email", "mail"</c>).</summary>
    public string[]? Keywords { get; set; }
}
