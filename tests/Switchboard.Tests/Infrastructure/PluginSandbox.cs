namespace Switchboard.Tests.Infrastructure;

/// <summary>A throw-away plugins folder for one test, filled with copies of built plugins.</summary>
public sealed class PluginSandbox : IDisposable
{
    public PluginSandbox()
    {
        Directory = Path.Combine(Path.GetTempPath(), "switchboard-tests", Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Directory { get; }

    /// <summary>Copies a built plugin folder in, under <paramref name="as"/> or its own name.</summary>
    public string Add(string builtFolder, string? @as = null)
    {
        var target = Path.Combine(Directory, @as ?? Path.GetFileName(builtFolder));
        Copy(builtFolder, target);
        return target;
    }

    public static void Copy(string from, string to)
    {
        System.IO.Directory.CreateDirectory(to);
        foreach (var file in System.IO.Directory.GetFiles(from))
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)), overwrite: true);
        foreach (var sub in System.IO.Directory.GetDirectories(from))
            Copy(sub, Path.Combine(to, Path.GetFileName(sub)));
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
