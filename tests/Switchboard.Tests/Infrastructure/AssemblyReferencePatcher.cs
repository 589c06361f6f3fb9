using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace Switchboard.Tests.Infrastructure;

/// <summary>Rewrites the version of one assembly reference in a built DLL, turning a plugin into one "built against" that version.</summary>
/// <remarks>The AssemblyRef row starts with four 16-bit version numbers; patching them is exactly what a newer build would change.</remarks>
public static class AssemblyReferencePatcher
{
    public static void SetReferenceVersion(string dll, string referenceName, Version version)
    {
        var bytes = File.ReadAllBytes(dll);
        int offset;
        using (var pe = new PEReader(new MemoryStream(bytes)))
        {
            var reader = pe.GetMetadataReader();
            var row = reader.AssemblyReferences.Select((handle, index) => (handle, index))
                .Single(r => reader.GetString(reader.GetAssemblyReference(r.handle).Name) == referenceName).index;
            offset = pe.PEHeaders.MetadataStartOffset
                + reader.GetTableMetadataOffset(TableIndex.AssemblyRef)
                + row * reader.GetTableRowSize(TableIndex.AssemblyRef);
        }
        foreach (var part in new[] { version.Major, version.Minor, Math.Max(0, version.Build), Math.Max(0, version.Revision) })
        {
            BitConverter.TryWriteBytes(bytes.AsSpan(offset, 2), (ushort)part);
            offset += 2;
        }
        File.WriteAllBytes(dll, bytes);
    }
}
