using System.Runtime.Loader;

namespace Switchboard.Host.Catalog;

/// <summary>Placeholder until the scrubber lands.</summary>
internal static class TypeDescriptorCacheScrubber
{
    public static int Scrub(AssemblyLoadContext context) => 0;
}
