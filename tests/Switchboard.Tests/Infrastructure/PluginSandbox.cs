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

    /// <summary>
    /// Copies a folder in place, file by file, as <c>cp</c> does. Not <see cref="File.Copy(string, string, bool)"/>: on
    /// Unix it creates the target first and takes an exclusive advisory lock on it after, so a catalog that opens the
    /// new file for reading in between makes the copy fail with a sharing violation. A writer that shares the file takes
    /// no exclusive lock.
    /// </summary>
    public static void Copy(string from, string to)
    {
        System.IO.Directory.CreateDirectory(to);
        foreach (var file in System.IO.Directory.GetFiles(from))
        {
            using var source = File.OpenRead(file);
            using var target = new FileStream(Path.Combine(to, Path.GetFileName(file)), FileMode.Create, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
            source.CopyTo(target);
        }
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
