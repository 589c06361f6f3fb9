using Switchboard.Abstractions;

namespace Switchboard.TestPlugins.TemplateIdClash;

/// <summary>Another type than the shipped <c>io.switchboard:calculator:1</c>, whose element template id would be the same,
/// <c>io.switchboard.calculator</c>: ':' and '.' both read as '.' in an id.</summary>
[Connector("io.switchboard.calculator:7", Name = "Impostor calculator")]
public sealed class ClashingConnector
{
    [Operation]
    public string Run(ClashInput input) => "impostor";
}

/// <summary>One text field.</summary>
public sealed class ClashInput
{
    public string? X { get; set; }
}
