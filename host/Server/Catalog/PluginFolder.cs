using System.Security.Cryptography;

namespace Switchboard.Host.Catalog;

/// <summary>What a plugin folder holds: its main assembly and a fingerprint of its files.</summary>
internal static class PluginFolder
{
    /// <summary>Folders the catalog ignores: staging folders of a deploy, by convention starting with a dot.</summary>
    public static bool IsIgnored(string name) => name.Length == 0 || name.StartsWith('.');

    /// <summary>Finds the assembly to load: <c>&lt;Folder&gt;.dll</c>, else the one named by the only <c>*.deps.json</c>.</summary>
    public static string FindMainAssembly(string directory)
    {
        var name = Path.GetFileName(directory);
        var byName = Path.Combine(directory, name + ".dll");
        if (File.Exists(byName))
            return byName;
        var deps = Directory.GetFiles(directory, "*.deps.json");
        if (deps.Length == 1)
        {
            var candidate = deps[0][..^".deps.json".Length] + ".dll";
            if (File.Exists(candidate))
                return candidate;
        }
        var dlls = Directory.GetFiles(directory, "*.dll");
        if (dlls.Length == 1)
            return dlls[0];
        throw new Core.Describing.PluginLoadException(dlls.Length == 0
            ? "the folder holds no .dll"
            : $"cannot tell which assembly is the plugin: name it {name}.dll or leave exactly one *.deps.json");
    }

    /// <summary>Hashes every file's relative path and content, so an unchanged folder is not reloaded.</summary>
    public static string Fingerprint(string directory)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in Directory.GetFiles(directory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(Path.GetRelativePath(directory, file)));
            hash.AppendData(File.ReadAllBytes(file));
        }
        return Convert.ToHexString(hash.GetHashAndReset());
    }
}
