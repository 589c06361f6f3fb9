using Microsoft.Extensions.DependencyInjection.Extensions;
using Switchboard.Host.Catalog;
using Switchboard.Host.Invocation;
using Switchboard.Host.Status;

namespace Switchboard.Host.Hosting;

/// <summary>Composes a Switchboard host on any <see cref="IServiceCollection"/>, as <c>AddReverseProxy()</c> composes YARP.</summary>
public static class SwitchboardServiceCollectionExtensions
{
    /// <summary>Registers the plugin catalog (bound from <c>Switchboard:Catalog</c>, checked now), the invocation
    /// pipeline and the catalog's health check; the protocols are added on the returned builder.</summary>
    /// <exception cref="StartupProblem">A catalog setting is invalid or the plugins folder named does not exist.</exception>
    public static ISwitchboardBuilder AddSwitchboard(this IServiceCollection services, IConfiguration configuration)
    {
        var options = CatalogOptions.From(configuration);
        services.TryAddSingleton(options);
        services.TryAddSingleton(sp => new PluginCatalog(options, sp.GetRequiredService<IConfiguration>(), sp.GetRequiredService<ILoggerFactory>()));
        services.TryAddSingleton<InvocationPipeline>();
        services.AddHostedService<CatalogHostedService>();
        services.AddHealthChecks().AddCheck<CatalogHealthCheck>("catalog");
        return new SwitchboardBuilder(services, configuration);
    }
}
