namespace Switchboard.Host.Hosting;

/// <summary>What <see cref="SwitchboardServiceCollectionExtensions.AddSwitchboard"/> returns: the catalog and the
/// pipeline are registered; add the protocols this host serves (<c>AddCsp()</c>, <c>AddSpiff()</c>, <c>AddZeebe()</c>).</summary>
public interface ISwitchboardBuilder
{
    /// <summary>The services the host is built from.</summary>
    IServiceCollection Services { get; }

    /// <summary>The configuration every option is bound from.</summary>
    IConfiguration Configuration { get; }
}

internal sealed class SwitchboardBuilder(IServiceCollection services, IConfiguration configuration) : ISwitchboardBuilder
{
    public IServiceCollection Services { get; } = services;

    public IConfiguration Configuration { get; } = configuration;
}
