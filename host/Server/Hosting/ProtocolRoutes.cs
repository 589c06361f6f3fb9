namespace Switchboard.Host.Hosting;

/// <summary>One protocol's HTTP routes, registered by its <c>Add…()</c> and mapped by <see cref="SwitchboardEndpoints.MapSwitchboard"/>,
/// so a host maps exactly the protocols it was composed with.</summary>
/// <param name="Name">The protocol, for the status pages (<c>csp</c>, <c>spiff</c>).</param>
/// <param name="Map">Maps the routes (and any middleware they need) onto the application.</param>
public sealed record ProtocolRoutes(string Name, Action<WebApplication> Map);
