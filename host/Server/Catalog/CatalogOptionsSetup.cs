using Microsoft.Extensions.Options;
using Switchboard.Host.Hosting;

namespace Switchboard.Host.Catalog;

/// <summary>Binds <see cref="CatalogOptions"/> from <c>Switchboard:Catalog</c>, finds the default plugins folder when none
/// is named, and validates the result, so a setting that cannot work stops the host at start with the setting named.</summary>
internal sealed class CatalogOptionsSetup(IConfiguration configuration) : IConfigureOptions<CatalogOptions>, IPostConfigureOptions<CatalogOptions>, IValidateOptions<CatalogOptions>
{
    public void Configure(CatalogOptions options)
    {
        SettingsBinding.Bind(configuration.GetSection(CatalogOptions.Section), options);
    }

    public void PostConfigure(string? name, CatalogOptions options)
    {
        if (string.IsNullOrWhiteSpace(configuration[CatalogOptions.Section + ":PluginsDirectory"]))
            options.PluginsDirectory = PluginsDirectoryDefault.Resolve();
    }

    public ValidateOptionsResult Validate(string? name, CatalogOptions options)
    {
        var problems = options.Problems().ToList();
        if (Hosting.FolderSetting.Problem("the plugins folder (--plugins or Switchboard:Catalog:PluginsDirectory)", options.PluginsDirectory) is { } folder)
            problems.Add(folder);
        // A typo must not start a host that serves nothing and says it is healthy; only the default folder, which no
        // one named, is created when missing (by the catalog, at start).
        else if (!Directory.Exists(options.PluginsDirectory) && !string.IsNullOrWhiteSpace(configuration[CatalogOptions.Section + ":PluginsDirectory"]))
            problems.Add($"the plugins folder {Path.GetFullPath(options.PluginsDirectory)} does not exist "
                + "(from --plugins or Switchboard:Catalog:PluginsDirectory); create it or name an existing folder");
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
