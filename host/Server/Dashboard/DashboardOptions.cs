namespace Switchboard.Host.Dashboard;

/// <summary>Where and to whom the developer dashboard is served (<c>Switchboard:Dashboard</c>).</summary>
public sealed class DashboardOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string Section = "Switchboard:Dashboard";

    /// <summary>Null (the default): served only to requests that arrive on a loopback address, so a host listening on
    /// a public address does not show it there; true: served on every address; false: not served at all.</summary>
    public bool? Enabled { get; set; }

    /// <summary>A key the dashboard's data (<c>api/*</c>) accepts as <c>Authorization: Bearer &lt;key&gt;</c>, beside the
    /// CSP bearer token and the Spiff API key. Unset while neither of those is set, the host makes one at each start and
    /// logs the dashboard's address with it (<c>http://localhost:8080/ui/#key=...</c>): a loopback address alone cannot
    /// tell a person at the machine from a connector inside the host fetching a URL its caller chose. At least 16
    /// characters.</summary>
    public string? Key { get; set; }

    /// <summary>Where the dashboard answers.</summary>
    public string Path { get; set; } = "/ui";

    /// <summary>How many clients may follow the live feed (<c>api/events</c>) at once; more are answered 503. A page
    /// open in a browser is one client.</summary>
    public int MaxFeedClients { get; set; } = 32;
}
