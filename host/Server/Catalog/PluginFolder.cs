using System.Buffers;
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
    /// <remarks>Read in blocks, as far as each file's length: a data file of any size costs one buffer. A file with no
    /// length (after following a link) is not opened at all: an empty file has nothing to read, and the other things
    /// that report none are not files to fingerprint. A named pipe would hold the read (and the whole catalog with it)
    /// until something writes to it, and a device such as <c>/dev/zero</c> never ends.</remarks>
    public static string Fingerprint(string directory)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(BlockBytes);
        try
        {
            foreach (var file in Directory.GetFiles(directory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                hash.AppendData(System.Text.Encoding.UTF8.GetBytes(Path.GetRelativePath(directory, file)));
                var info = new FileInfo(file);
                var length = info.LinkTarget is null ? info.Length : (info.ResolveLinkTarget(returnFinalTarget: true) as FileInfo) is { Exists: true } target ? target.Length : 0;
                if (length == 0)
                    continue;
                using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
                for (long left = length; left > 0;)
                {
                    var read = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
                    if (read == 0)
                        break; // shorter than it was a moment ago: a change the next fingerprint sees
                    hash.AppendData(buffer, 0, read);
                    left -= read;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return Convert.ToHexString(hash.GetHashAndReset());
    }

    private const int BlockBytes = 64 * 1024;
}
