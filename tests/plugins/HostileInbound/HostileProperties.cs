using Switchboard.Abstractions;

namespace Switchboard.TestPlugins.HostileInbound;

/// <summary>What the hostile connector does for this activation (its <c>mode</c>), and a number some modes use.</summary>
public sealed class HostileProperties
{
    [Parameter("mode")]
    public string Mode { get; set; } = "ok";

    [Parameter("count")]
    public int Count { get; set; }

    /// <summary>A secret the <c>rejectsecret</c> and <c>respondsecret</c> modes quote back to the caller.</summary>
    [Parameter("token"), Secret]
    public string? Token { get; set; }
}
