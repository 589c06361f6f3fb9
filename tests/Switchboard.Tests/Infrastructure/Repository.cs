namespace Switchboard.Tests.Infrastructure;

/// <summary>Paths inside the checkout the tests run from.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    /// <summary>Output folder of a shipped plugin, e.g. <c>Calculator</c>.</summary>
    public static string ShippedPlugin(string name) => Path.Combine(Root, "artifacts", "plugins", name);

    /// <summary>Output folder of a test fixture plugin under tests/plugins.</summary>
    public static string TestPlugin(string name) => Path.Combine(Root, "artifacts", "test-plugins", name);

    /// <summary>Copies a source folder of the checkout, leaving out build output (<c>bin</c>, <c>obj</c>).</summary>
    public static void CopySources(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (var sub in Directory.GetDirectories(from).Where(d => Path.GetFileName(d) is not ("bin" or "obj")))
            CopySources(sub, Path.Combine(to, Path.GetFileName(sub)));
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "Plugins.sln")))
                return directory.FullName;
        throw new InvalidOperationException("Plugins.sln not found above " + AppContext.BaseDirectory);
    }
}
