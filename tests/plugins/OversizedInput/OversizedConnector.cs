using Switchboard.Abstractions;

namespace Switchboard.TestPlugins.OversizedInput;

/// <summary>A connector whose input has no cycle but fans out eight ways over four levels: 8 + 64 + 512 + 4096
/// parameters, far past what a connector may describe.</summary>
[Connector("test.switchboard:oversized:1", Name = "Oversized")]
public sealed class OversizedConnector
{
    [Operation]
    public string Run(Level1 input) => "unreachable";
}

/// <summary>Level 1 of four.</summary>
public sealed class Level1
{
    public Level2? P0 { get; set; }
    public Level2? P1 { get; set; }
    public Level2? P2 { get; set; }
    public Level2? P3 { get; set; }
    public Level2? P4 { get; set; }
    public Level2? P5 { get; set; }
    public Level2? P6 { get; set; }
    public Level2? P7 { get; set; }
}

/// <summary>Level 2 of four.</summary>
public sealed class Level2
{
    public Level3? P0 { get; set; }
    public Level3? P1 { get; set; }
    public Level3? P2 { get; set; }
    public Level3? P3 { get; set; }
    public Level3? P4 { get; set; }
    public Level3? P5 { get; set; }
    public Level3? P6 { get; set; }
    public Level3? P7 { get; set; }
}

/// <summary>Level 3 of four.</summary>
public sealed class Level3
{
    public Level4? P0 { get; set; }
    public Level4? P1 { get; set; }
    public Level4? P2 { get; set; }
    public Level4? P3 { get; set; }
    public Level4? P4 { get; set; }
    public Level4? P5 { get; set; }
    public Level4? P6 { get; set; }
    public Level4? P7 { get; set; }
}

/// <summary>Level 4 of four.</summary>
public sealed class Level4
{
    public string? P0 { get; set; }
    public string? P1 { get; set; }
    public string? P2 { get; set; }
    public string? P3 { get; set; }
    public string? P4 { get; set; }
    public string? P5 { get; set; }
    public string? P6 { get; set; }
    public string? P7 { get; set; }
}
