using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Runtime.Loader;
using Switchboard.Abstractions;
using Switchboard.Core.Describing;
using Switchboard.Core.Invoking;
using Switchboard.Host.Connectors;

namespace Switchboard.Host.Catalog;

/// <summary>Reads a plugin's assembly references without loading it and refuses one built against newer shared assemblies than the host has.</summary>
/// <remarks>
/// A plugin built against a newer Switchboard.Abstractions (or a shared Microsoft.Extensions.* assembly)
/// either fails to load or silently fails the cast to the shared types; refusing it up front gives a reason.
/// </remarks>
internal sealed class ReferenceGate
{
    private readonly Dictionary<string, Version> _shared;

    public ReferenceGate()
    {
        _shared = new(StringComparer.OrdinalIgnoreCase);
        var pending = new Queue<AssemblyName>([typeof(ConnectorAttribute).Assembly.GetName()]);
        while (pending.TryDequeue(out var name))
        {
            if (name.Name is null || _shared.ContainsKey(name.Name))
                continue;
            var assembly = AssemblyLoadContext.Default.LoadFromAssemblyName(name);
            _shared[name.Name] = assembly.GetName().Version ?? new Version(0, 0);
            foreach (var reference in assembly.GetReferencedAssemblies())
                if (reference.Name is { } n && (n.StartsWith("Switchboard.", StringComparison.Ordinal) || n.StartsWith("Microsoft.Extensions.", StringComparison.Ordinal)))
                    pending.Enqueue(reference);
        }
    }

    /// <summary>The shared assemblies and the versions this host provides.</summary>
    public IReadOnlyDictionary<string, Version> Shared => _shared;

    /// <summary>Throws <see cref="PluginLoadException"/> naming the first problem in the plugin's assemblies.</summary>
    public void Check(string mainAssembly)
    {
        CheckFile(mainAssembly, isMain: true);
        var directory = Path.GetDirectoryName(mainAssembly)!;
        foreach (var file in PluginFolder.Files(directory, "*.dll"))
            if (!string.Equals(file, mainAssembly, StringComparison.Ordinal))
                CheckFile(file, isMain: false);
    }

    private void CheckFile(string path, bool isMain)
    {
        var file = Path.GetFileName(path);
        try
        {
            using var stream = File.OpenRead(path);
            using var pe = new PEReader(stream);
            if (!pe.HasMetadata)
            {
                if (isMain)
                    throw new PluginLoadException($"{file} is not a .NET assembly");
                return; // a native library beside the plugin is fine
            }
            var reader = pe.GetMetadataReader();
            foreach (var handle in reader.AssemblyReferences)
            {
                var reference = reader.GetAssemblyReference(handle);
                var name = reader.GetString(reference.Name);
                if (_shared.TryGetValue(name, out var provided) && reference.Version > provided)
                    throw new PluginLoadException(
                        $"{file} was built against {name} {reference.Version}, but this host provides {provided}; " +
                        $"rebuild the plugin against {name} {provided} or run a newer host");
            }
        }
        catch (BadImageFormatException)
        {
            if (isMain)
                throw new PluginLoadException($"{file} is not a .NET assembly (bad image format)");
        }
        catch (IOException e)
        {
            throw new PluginLoadException($"{file} cannot be read: {e.Message}");
        }
    }
}
