namespace Switchboard.TestPlugins.ProbeLibrary;

public sealed class Address
{
    public string Street { get; set; } = "";
}
