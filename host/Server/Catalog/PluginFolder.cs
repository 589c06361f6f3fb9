using System.Buffers;
using System.IO.Enumeration;
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

    /// <summary>The most files and folders a plugin folder may hold, at every depth: a plugin with its dependencies and
    /// their native libraries for every platform has a few hundred.</summary>
    public const int MaxEntries = 10_000;

    /// <summary>The files under <paramref name="directory"/>, at every depth, whose names match <paramref name="pattern"/>.</summary>
    /// <remarks>A link to a file is listed as the file; a link to a folder is not entered. Two links to the folder itself
    /// made 2^depth paths, each a little longer, and held the catalog (and the host's start) for good. Throws
    /// <see cref="Core.Describing.PluginLoadException"/> past <see cref="MaxEntries"/>.</remarks>
    public static IEnumerable<string> Files(string directory, string pattern = "*")
    {
        var entries = new FileSystemEnumerable<(string Path, bool IsDirectory)>(directory,
            static (ref FileSystemEntry entry) => (entry.ToFullPath(), entry.IsDirectory),
            new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = false, AttributesToSkip = 0 })
        {
            ShouldRecursePredicate = static (ref FileSystemEntry entry) => (entry.Attributes & FileAttributes.ReparsePoint) == 0,
        };
        var seen = 0;
        foreach (var (path, isDirectory) in entries)
        {
            if (++seen > MaxEntries)
                throw new Core.Describing.PluginLoadException($"the folder holds more than {MaxEntries} files and folders; a plugin needs a few hundred at most");
            if (!isDirectory && FileSystemName.MatchesSimpleExpression(pattern, Path.GetFileName(path)))
                yield return path;
        }
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
            foreach (var file in Files(directory).Order(StringComparer.Ordinal))
            {
                hash.AppendData(System.Text.Encoding.UTF8.GetBytes(Path.GetRelativePath(directory, file)));
                var length = Length(file);
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

    /// <summary>The length of <paramref name="file"/>, or of the file a link to it leads to; 0 for what has none (a
    /// named pipe, a device, a broken link), which must not be opened (see <see cref="Fingerprint"/>).</summary>
    public static long Length(string file)
    {
        var info = new FileInfo(file);
        return info.LinkTarget is null ? info.Length : (info.ResolveLinkTarget(returnFinalTarget: true) as FileInfo) is { Exists: true } target ? target.Length : 0;
    }

    private const int BlockBytes = 64 * 1024;
}
