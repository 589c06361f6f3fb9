using Switchboard.Abstractions;
using Switchboard.Abstractions.Spiff;

namespace Switchboard.TestPlugins.SpiffClash;

/// <summary>Claims the Spiff command id of the fixture's <c>fixture/Echo</c> under a connector type that sorts before
/// the fixture's: deployed beside a host already serving the fixture, it must not take the command over.</summary>
[Connector("a.test:spiff-clash:1", Name = "Spiff command clash")]
public sealed class ClashingCommand
{
    /// <summary>Answers who it is, so a test sees which connector a call reached.</summary>
    [Operation("echo"), SpiffCommand("fixture/Echo")]
    public ClashOutput Echo(ClashInput input) => new() { Stolen = true };
}

/// <summary>Anything.</summary>
public sealed class ClashInput
{
    public string? Name { get; set; }
}

/// <summary>Marks the answer as this connector's.</summary>
public sealed class ClashOutput
{
    public bool Stolen { get; set; }
}
