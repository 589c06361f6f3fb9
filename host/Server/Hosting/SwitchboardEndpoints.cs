using Switchboard.Host.Dashboard;
using Switchboard.Host.Protocols.Refusals;
using Switchboard.Host.Status;
using Switchboard.Host.Telemetry;
using Switchboard.Host.Templates;

namespace Switchboard.Host.Hosting;

/// <summary>Maps what <see cref="SwitchboardServiceCollectionExtensions.AddSwitchboard"/> composed, as <c>MapReverseProxy()</c> does for YARP.</summary>
public static class SwitchboardEndpoints
{
    /// <summary>Maps the status routes (<c>/health</c>, <c>/plugins</c>), the element templates, the metrics (<c>/metrics</c>), the developer dashboard (<c>/ui</c>), and the routes of each
    /// protocol added to the builder, with the protocols' own error form for the framework's refusals on their routes.</summary>
    public static WebApplication MapSwitchboard(this WebApplication app)
    {
        app.UseProtocolStatusPages();
        app.MapStatusEndpoints();
        foreach (var routes in app.Services.GetServices<ProtocolRoutes>())
            routes.Map(app);
        app.MapElementTemplates();
        app.MapSwitchboardTelemetry();
        app.MapDashboard();
        RouteClashes.Check(app);
        return app;
    }
}
