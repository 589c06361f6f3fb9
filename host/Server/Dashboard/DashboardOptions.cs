namespace Switchboard.Host.Dashboard;

/// <summary>Where and to whom the developer dashboard is served (<c>Switchboard:Dashboard</c>).</summary>
public sealed class DashboardOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string Section = "Switchboard:Dashboard";

    /// <summary>Null (the default): served only to requests that arrive on a loopback address, so a host listening on
    /// a public address does not show it there; true: served on every address; false: not served at all.</summary>
    public bool? Enabled { get; set; }

    /// <summary>Where the dashboard answers.</summary>
    public string Path { get; set; } = "/ui";

    /// <summary>How many clients may follow the live feed (<c>api/events</c>) at once; more are answered 503. A page
    /// open in a browser is one client.</summary>
    public int MaxFeedClients { get; set; } = 32;
}
