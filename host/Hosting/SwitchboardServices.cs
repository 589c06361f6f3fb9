using Switchboard.Host.Catalog;
using Switchboard.Core;
using Switchboard.Core.Invoking;
using Switchboard.Host.Invocation;
using Switchboard.Host.Protocols.Csp;
using Switchboard.Host.Protocols.Spiff;
using Switchboard.Host.Protocols.Zeebe;

namespace Switchboard.Host.Hosting;

/// <summary>Registers the catalog, the pipeline and the protocol adapters.</summary>
internal static class SwitchboardServices
{
    /// <summary>Command-line switches that map onto configuration keys.</summary>
    public static readonly Dictionary<string, string> SwitchMappings = new()
    {
        ["--plugins"] = "Switchboard:Catalog:PluginsDirectory",
    };

    public static void AddSwitchboard(this WebApplicationBuilder builder)
    {
        var options = new CatalogOptions();
        try
        {
            builder.Configuration.GetSection("Switchboard:Catalog").Bind(options);
        }
        catch (InvalidOperationException e)
        {
            // The binder names the key and the value it could not convert; that is the whole message the operator needs.
            throw new StartupProblem(e.Message);
        }
        if (options.Problems().ToList() is { Count: > 0 } problems)
            throw new StartupProblem(string.Join("; ", problems));
        if (string.IsNullOrWhiteSpace(builder.Configuration["Switchboard:Catalog:PluginsDirectory"]))
            options.PluginsDirectory = PluginsDirectoryDefault.Resolve();
        else if (!Directory.Exists(options.PluginsDirectory))
            // A typo must not start a host that serves nothing and says it is healthy; only the default folder is created.
            throw new StartupProblem($"the plugins folder {Path.GetFullPath(options.PluginsDirectory)} does not exist "
                + "(from --plugins or Switchboard:Catalog:PluginsDirectory); create it or name an existing folder");
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(sp => new PluginCatalog(options, sp.GetRequiredService<IConfiguration>(), sp.GetRequiredService<ILoggerFactory>()));
        builder.Services.AddSingleton<InvocationPipeline>();
        builder.Services.AddHostedService<CatalogHostedService>();
        builder.AddCsp();
        builder.AddSpiff();
        builder.AddZeebe();
    }
}
