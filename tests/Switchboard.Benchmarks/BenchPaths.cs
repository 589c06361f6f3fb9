namespace Switchboard.Benchmarks;

/// <summary>Where the checkout's built plugins and host are.</summary>
internal static class BenchPaths
{
    public static string Root { get; } = Arguments.RepositoryRoot();

    public static string Plugin(string name) => Path.Combine(Root, "artifacts", "plugins", name);

    public static string TestPlugin(string name) => Path.Combine(Root, "artifacts", "test-plugins", name);

    public static string TempFolder()
    {
        var path = Path.Combine(Path.GetTempPath(), "switchboard-bench", Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(path);
        return path;
    }

    public static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)), overwrite: true);
    }
}
