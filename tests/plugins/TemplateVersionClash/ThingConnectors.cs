using Switchboard.Abstractions;

namespace Switchboard.TestPlugins.TemplateVersionClash;

/// <summary>Version 1 of a connector, shipped beside version 2 in one plugin, the version written in the type as the
/// docs show it.</summary>
[Connector("test.switchboard:thing:1", Name = "Thing")]
public sealed class ThingV1
{
    [Operation]
    public string Run(ThingInput input) => "1";
}

/// <summary>Version 2 of the same connector, its contract <c>Version</c> left at 1: the mistake under test.</summary>
[Connector("test.switchboard:thing:2", Name = "Thing")]
public sealed class ThingV2
{
    [Operation]
    public string Run(ThingInput input) => "2";
}

/// <summary>One text field.</summary>
public sealed class ThingInput
{
    public string? A { get; set; }
}
