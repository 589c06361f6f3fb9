using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Switchboard.Host.Catalog;
using Switchboard.Host.Dashboard;
using Switchboard.Host.Invocation;
using Switchboard.Host.Protocols.Refusals;
using Switchboard.Host.Status;
using Switchboard.Host.Telemetry;

namespace Switchboard.Host.Hosting;

/// <summary>Composes a Switchboard host on any <see cref="IServiceCollection"/>, as <c>AddReverseProxy()</c> composes YARP.</summary>
public static class SwitchboardServiceCollectionExtensions
{
    /// <summary>Registers the plugin catalog (options bound from <c>Switchboard:Catalog</c>, validated at start), the
    /// invocation pipeline, the catalog's health check, telemetry (<c>Switchboard:Telemetry</c>) and the developer dashboard (<c>Switchboard:Dashboard</c>); the protocols are added on the returned builder.</summary>
    public static ISwitchboardBuilder AddSwitchboard(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CatalogOptions>().ValidateOnStart();
        services.ConfigureOptions(new CatalogOptionsSetup(configuration));
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<CatalogOptions>>().Value);
        services.TryAddSingleton(sp => new PluginCatalog(sp.GetRequiredService<CatalogOptions>(), sp.GetRequiredService<IConfiguration>(), sp.GetRequiredService<ILoggerFactory>()));
        services.TryAddSingleton<RecentCalls>();
        services.TryAddSingleton<InvocationPipeline>();
        services.TryAddSingleton<ProtocolRefusals>();
        // Telemetry first: its providers start before the catalog's first loads, so those are counted too.
        services.AddSwitchboardTelemetry(configuration);
        services.AddHostedService<CatalogHostedService>();
        services.AddHealthChecks().AddCheck<CatalogHealthCheck>("catalog");
        services.AddOptions<DashboardOptions>().ValidateOnStart();
        services.ConfigureOptions(new DashboardOptionsSetup(configuration.GetSection(DashboardOptions.Section)));
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<DashboardOptions>>().Value);
        services.TryAddSingleton<DashboardState>();
        services.TryAddSingleton<DashboardFeed>();
        services.TryAddSingleton(sp => new DashboardKeys(sp.GetRequiredService<DashboardOptions>(), sp));
        return new SwitchboardBuilder(services, configuration);
    }
}
