using Switchboard.Host.Logging;

namespace Switchboard.Host.Hosting;

/// <summary>The one check of a setting that names a folder, made at start so that a bad one stops the host with one line
/// naming the setting.</summary>
internal static class FolderSetting
{
    /// <summary>Why <paramref name="path"/>, the value of <paramref name="setting"/>, cannot be a folder: it holds a
    /// character no path may hold (a NUL from a JSON file's <c>\u0000</c>, which made the runtime throw with its stack),
    /// or it names a file; null when it can (whether it exists is the caller's rule).</summary>
    public static string? Problem(string setting, string path)
    {
        if (path.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
            return $"{setting} '{LogValueSanitizer.Escape(path, 200)}' holds a character no path may hold (such as NUL)";
        var full = Path.GetFullPath(path);
        return File.Exists(full) ? $"{setting} names {LogValueSanitizer.Escape(full, 200)}, which is a file, not a folder" : null;
    }
}
