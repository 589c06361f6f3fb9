using System.Text.Json;
using Switchboard.Core.Describing;

namespace Switchboard.Host.Catalog;

/// <summary>Checks a plugin's <c>&lt;main assembly&gt;.deps.json</c> before .NET's native dependency resolver reads it.</summary>
/// <remarks>
/// Loading a plugin hands that file to the runtime's host policy (C++), which trusts its shape: a member it reads with
/// the wrong JSON type (<c>{"runtimeTarget":{"name":5}}</c>, or no <c>runtimeTarget</c> at all) made it build a string
/// from a null pointer, and the process ended with <c>std::logic_error</c> (abort): the whole host, every plugin and
/// protocol with it, for seventeen bytes in one plugin's folder. A file that is not JSON it refuses cleanly.
/// <para>So the members the host policy reads for a plugin (<c>runtimeTarget</c>; under <c>targets</c>, the runtime
/// target's packages with their <c>runtime</c>, <c>resources</c>, <c>native</c> and <c>runtimeTargets</c> assets;
/// <c>libraries</c> with their <c>type</c>) are checked here first, with the types it reads them as, every occurrence of
/// a repeated name included; what it reads only when it is a string, and the rest of the file, are left to it and to
/// the managed reader McMaster.NETCore.Plugins uses, which both fail cleanly. Written by hand, since no library
/// describes what the host policy reads; the SDK's own files always pass.</para>
/// </remarks>
internal static class DepsFile
{
    /// <summary>The largest file read: the SDK writes a few hundred kilobytes for a plugin with many dependencies.</summary>
    public const int MaxBytes = 16 * 1024 * 1024;

    private const int MaxNameLength = 100;

    private static readonly string[] AssetKinds = ["runtime", "resources", "native"];

    /// <summary>Throws <see cref="PluginLoadException"/> naming the member and its problem when the <c>.deps.json</c>
    /// beside <paramref name="mainAssembly"/> is one the runtime's resolver cannot read safely; a plugin without one passes.</summary>
    public static void Check(string mainAssembly)
    {
        var path = Path.Combine(Path.GetDirectoryName(mainAssembly)!, Path.GetFileNameWithoutExtension(mainAssembly) + ".deps.json");
        var file = new FileInfo(path);
        if (!file.Exists)
            return;
        if (file.Length > MaxBytes)
            throw new PluginLoadException($"{file.Name} is {file.Length} bytes; a plugin's is a few hundred kilobytes at most ({MaxBytes} allowed)");
        JsonDocument document;
        try
        {
            // As tolerant as the host policy's parser may be, so only what would crash it is refused here.
            document = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new PluginLoadException($"{file.Name} is not valid JSON: {e.Message}");
        }
        using (document)
        {
            if (Problem(document.RootElement) is { } problem)
                throw new PluginLoadException($"{file.Name}: {problem}");
        }
    }

    private static string? Problem(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
            return $"the file must hold a JSON object, not {Kind(root)}";
        string? target = null;
        foreach (var runtimeTarget in All(root, "runtimeTarget"))
        {
            if (runtimeTarget.ValueKind == JsonValueKind.String)
            {
                target ??= runtimeTarget.GetString();
                continue;
            }
            if (runtimeTarget.ValueKind != JsonValueKind.Object)
                return $"runtimeTarget must be an object or a string, not {Kind(runtimeTarget)}";
            if (Texts(runtimeTarget, "name", "runtimeTarget", out var named) is { } problem)
                return problem;
            if (!named)
                return "runtimeTarget has no name";
            target ??= All(runtimeTarget, "name").First().GetString();
        }
        if (target is null)
            return "runtimeTarget is missing";

        var packages = new HashSet<string>(StringComparer.Ordinal);
        foreach (var targets in All(root, "targets"))
        {
            if (targets.ValueKind != JsonValueKind.Object)
                return $"targets must be an object, not {Kind(targets)}";
            foreach (var runtime in All(targets, target))
                if (TargetProblem(runtime, $"targets.{Name(target)}", packages) is { } problem)
                    return problem;
        }

        foreach (var libraries in All(root, "libraries"))
        {
            if (libraries.ValueKind != JsonValueKind.Object)
                return $"libraries must be an object, not {Kind(libraries)}";
            foreach (var library in libraries.EnumerateObject())
            {
                var at = $"libraries.{Name(library.Name)}";
                if (library.Value.ValueKind != JsonValueKind.Object)
                    return $"{at} must be an object, not {Kind(library.Value)}";
                if (Texts(library.Value, "type", at, out var typed) is { } problem)
                    return problem;
                // Read only for a library with assets under the runtime target.
                if (!typed && packages.Contains(library.Name))
                    return $"{at} has no type";
            }
        }
        return null;
    }

    private static string? TargetProblem(JsonElement runtime, string at, HashSet<string> packages)
    {
        if (runtime.ValueKind != JsonValueKind.Object)
            return $"{at} must be an object, not {Kind(runtime)}";
        foreach (var package in runtime.EnumerateObject())
        {
            var packageAt = $"{at}.{Name(package.Name)}";
            if (package.Value.ValueKind != JsonValueKind.Object)
                return $"{packageAt} must be an object, not {Kind(package.Value)}";
            packages.Add(package.Name);
            foreach (var kind in AssetKinds)
                foreach (var assets in All(package.Value, kind))
                    if (FilesProblem(assets, $"{packageAt}.{kind}", []) is { } problem)
                        return problem;
            foreach (var assets in All(package.Value, "runtimeTargets"))
                if (FilesProblem(assets, $"{packageAt}.runtimeTargets", ["assetType", "rid"]) is { } problem)
                    return problem;
        }
        return null;
    }

    // An object of files, each an object; required members must be strings.
    private static string? FilesProblem(JsonElement files, string at, string[] required)
    {
        if (files.ValueKind != JsonValueKind.Object)
            return $"{at} must be an object, not {Kind(files)}";
        foreach (var file in files.EnumerateObject())
        {
            var fileAt = $"{at}.{Name(file.Name)}";
            if (file.Value.ValueKind != JsonValueKind.Object)
                return $"{fileAt} must be an object, not {Kind(file.Value)}";
            foreach (var member in required)
            {
                if (Texts(file.Value, member, fileAt, out var present) is { } problem)
                    return problem;
                if (!present)
                    return $"{fileAt} has no {member}";
            }
        }
        return null;
    }

    // Every occurrence of the member must be a string; whether there is one at all is the caller's to judge.
    private static string? Texts(JsonElement owner, string member, string at, out bool present)
    {
        present = false;
        foreach (var value in All(owner, member))
        {
            if (value.ValueKind != JsonValueKind.String)
                return $"{at}.{member} must be a string, not {Kind(value)}";
            present = true;
        }
        return null;
    }

    // Every member of that name: the native reader takes the first of a repeated name, the managed one may take another.
    private static IEnumerable<JsonElement> All(JsonElement element, string name)
    {
        foreach (var member in element.EnumerateObject())
            if (member.NameEquals(name))
                yield return member.Value;
    }

    private static string Name(string name)
    {
        var capped = name.Length > MaxNameLength ? name[..MaxNameLength] + "..." : name;
        return JsonSerializer.Serialize(capped);
    }

    private static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };
}
