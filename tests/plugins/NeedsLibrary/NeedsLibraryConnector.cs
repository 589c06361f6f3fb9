using Switchboard.Abstractions;
using Switchboard.TestPlugins.ProbeLibrary;

namespace Switchboard.TestPlugins.NeedsLibrary;

/// <summary>Its input uses a type from a library shipped beside it.</summary>
[Connector("test.switchboard:needs-library:1")]
public sealed class NeedsLibraryConnector
{
    [Operation]
    public string Run(Shipment input) => input.To?.Street ?? "";
}

public sealed class Shipment
{
    public Address? To { get; set; }
}
