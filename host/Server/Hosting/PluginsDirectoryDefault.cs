namespace Switchboard.Host.Hosting;

/// <summary>Finds the plugins folder when none is configured: the repository's <c>artifacts/plugins</c> when run from a checkout.</summary>
internal static class PluginsDirectoryDefault
{
    public static string Resolve()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
                if (File.Exists(Path.Combine(directory.FullName, "Plugins.sln")))
                    return Path.Combine(directory.FullName, "artifacts", "plugins");
        }
        return Path.Combine(AppContext.BaseDirectory, "plugins");
    }
}
