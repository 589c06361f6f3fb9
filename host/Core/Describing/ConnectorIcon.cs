namespace Switchboard.Core.Describing;

/// <summary>Reads a connector's declared icon into the <c>data:</c> URI element templates carry.</summary>
internal static class ConnectorIcon
{
    /// <summary>Icons are inlined into every template that shows them: kept small.</summary>
    public const int MaxBytes = 64 * 1024;

    /// <summary>The icon <paramref name="declared"/> on <paramref name="connector"/>: a <c>data:</c> URI as given, or the
    /// SVG or PNG file of that name in <paramref name="pluginDirectory"/>; null when none is declared. A declared icon that cannot be
    /// read fails the load, naming the file and the problem, so an author sees it at once.</summary>
    public static string? Read(Type connector, string? declared, string pluginDirectory)
    {
        if (string.IsNullOrWhiteSpace(declared))
            return null;
        if (declared.StartsWith("data:image/", StringComparison.OrdinalIgnoreCase))
            return declared.Length <= MaxBytes * 2 ? declared : throw Problem(connector, $"its data: URI is longer than {MaxBytes * 2} characters");
        var mediaType = Path.GetExtension(declared).ToLowerInvariant() switch
        {
            ".svg" => "image/svg+xml",
            ".png" => "image/png",
            _ => throw Problem(connector, $"'{declared}' is neither an .svg nor a .png file nor a data: URI"),
        };
        // The plugin's folder, not the assembly's location: plugins are loaded from memory, so their files can change.
        var folder = Path.GetFullPath(pluginDirectory).TrimEnd(Path.DirectorySeparatorChar);
        var file = Path.GetFullPath(Path.Combine(folder, declared));
        if (!file.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw Problem(connector, $"'{declared}' is outside the plugin's folder");
        var info = new FileInfo(file);
        if (!info.Exists)
            throw Problem(connector, $"'{declared}' is not in the plugin's folder (add it to the project with CopyToOutputDirectory)");
        if (info.Length > MaxBytes)
            throw Problem(connector, $"'{declared}' is {info.Length} bytes; an icon may have at most {MaxBytes}");
        return $"data:{mediaType};base64,{Convert.ToBase64String(File.ReadAllBytes(file))}";
    }

    private static PluginLoadException Problem(Type connector, string problem) => new($"{connector.FullName}: its icon {problem}");
}
