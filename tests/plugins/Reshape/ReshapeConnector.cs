using Switchboard.Abstractions;
using Switchboard.Abstractions.Spiff;

namespace Switchboard.TestPlugins.Reshape;

/// <summary>A plugin whose second build declares a different shape under the same connector type: V2 adds the input
/// field <c>title</c> (attack round twelve: do the adapters follow a reload that changes what a connector declares?).</summary>
[Connector("test.switchboard:reshape:1", Name = "Reshape"), SpiffCommand("reshape/Greet")]
public sealed class ReshapeConnector
{
#if V2
    public const string Variant = "v2";
#else
    public const string Variant = "v1";
#endif

    [Operation]
    public GreetOutput Greet(GreetInput input) =>
#if V2
        new() { Variant = Variant, Name = input.Name, Title = input.Title };
#else
        new() { Variant = Variant, Name = input.Name };
#endif
}

public sealed class GreetInput
{
    public string Name { get; set; } = "";
#if V2
    public string? Title { get; set; }
#endif
}

public sealed class GreetOutput
{
    public string Variant { get; set; } = "";
    public string Name { get; set; } = "";
    public string? Title { get; set; }
}
