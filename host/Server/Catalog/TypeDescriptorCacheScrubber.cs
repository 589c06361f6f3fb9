using System;
using System.Collections;
using System.Collections.Generic;
using System.ComponentModel;
using System.Reflection;
using System.Runtime.Loader;

namespace Switchboard.Host.Catalog;

/// <summary>Evicts TypeDescriptor cache entries that would pin an unloading plugin context (dotnet/runtime#30656, fixed in .NET 11).</summary>
internal static class TypeDescriptorCacheScrubber
{
    private const BindingFlags StaticField = BindingFlags.Static | BindingFlags.NonPublic;
    private const BindingFlags InstanceField = BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public;

    // ReflectTypeDescriptionProvider's static per-type caches (Hashtable, keyed by Type or MemberInfo).
    private static readonly string[] ReflectCaches =
        ["s_propertyCache", "s_eventCache", "s_attributeCache", "s_extendedPropertyCache", "s_editorTables"];

    /// <summary>Removes every cached entry whose key or value references a type or assembly of <paramref name="context"/>; returns the number removed.</summary>
    public static int Scrub(AssemblyLoadContext context)
    {
        if (context is null || !context.IsCollectible)
            return 0;

        bool InContext(Assembly a) => AssemblyLoadContext.GetLoadContext(a) == context;

        Type descriptor = typeof(TypeDescriptor);
        Type? reflectProvider = descriptor.Assembly.GetType("System.ComponentModel.ReflectTypeDescriptionProvider");

        // .NET 9+ guards all of these with one lock; older runtimes locked each table (or a private sync object) instead.
        object? common = Static(descriptor, "s_commonSyncObject");
        object? reflectLock = common ?? Static(reflectProvider, "s_internalSyncObject");
        object? providerTable = Static(descriptor, "s_providerTable");
        object? providerTypeTable = Static(descriptor, "s_providerTypeTable");

        // The per-type ReflectedTypeData lives on provider instances, reachable only through the provider tables' nodes.
        List<object> providers = CollectProviders(common, providerTable, providerTypeTable);

        int removed = 0;
        removed += ScrubTable(providerTable, common, InContext);
        removed += ScrubTable(providerTypeTable, common, InContext);
        removed += ScrubTable(Static(descriptor, "s_defaultProviderInitialized"), common, InContext);
        removed += ScrubTable(Static(descriptor, "s_associationTable"), null, InContext); // CreateAssociation locks the table itself
        foreach (string name in ReflectCaches)
            removed += ScrubTable(Static(reflectProvider, name), reflectLock, InContext);
        foreach (object provider in providers)
            removed += ScrubTable(Field(provider, "_typeData"), reflectLock, InContext);

        // Default-attribute cache is keyed by attribute type, so plugin-defined attributes land here.
        Type attributes = typeof(AttributeCollection);
        removed += ScrubTable(Static(attributes, "s_defaultAttributes"), Static(attributes, "s_internalSyncObject"), InContext);
        // DataAnnotations keeps one entry per validated type (Validator, and so every library validating its options
        // with it, as Polly does) in a process-wide store that locks the dictionary itself.
        Type? validationStore = typeof(System.ComponentModel.DataAnnotations.Validator).Assembly.GetType("System.ComponentModel.DataAnnotations.ValidationAttributeStore");
        if (Static(validationStore, "Instance") is { } store)
            removed += ScrubTable(Field(store, "_typeStoreItems"), null, InContext);
        return removed;
    }

    private static object? Static(Type? type, string name)
    {
        try { return type?.GetField(name, StaticField)?.GetValue(null); }
        catch { return null; } // a renamed or retyped field in a future runtime just means nothing to scrub
    }

    private static List<object> CollectProviders(object? sync, params object?[] tables)
    {
        var found = new HashSet<object>(ReferenceEqualityComparer.Instance);
        foreach (object? table in tables)
        {
            if (table is not IDictionary dict)
                continue;
            try
            {
                lock (sync ?? dict)
                {
                    IDictionaryEnumerator e = dict.GetEnumerator();
                    while (e.MoveNext())
                    {
                        // TypeDescriptionNode is a linked list of (Provider, Next); walk it without assuming its type.
                        for (object? node = e.Value; node is not null; node = Field(node, "Next"))
                            if (Field(node, "Provider") is { } provider)
                                found.Add(provider);
                    }
                }
            }
            catch { } // shape changed under us: skip this table rather than fail the unload
        }
        return [.. found];
    }

    private static object? Field(object target, string name)
    {
        try { return target.GetType().GetField(name, InstanceField)?.GetValue(target); }
        catch { return null; }
    }

    private static int ScrubTable(object? table, object? sync, Func<Assembly, bool> inContext)
    {
        if (table is not IDictionary dict) // Hashtable, WeakHashtable, Dictionary<,> and ConcurrentDictionary<,> all qualify
            return 0;
        try
        {
            lock (sync ?? dict)
            {
                var doomed = new List<object>();
                // IDictionaryEnumerator, not foreach: generic dictionaries enumerate KeyValuePair, not DictionaryEntry.
                IDictionaryEnumerator e = dict.GetEnumerator();
                while (e.MoveNext())
                    if (References(e.Key, inContext, 0) || References(e.Value, inContext, 0))
                        doomed.Add(e.Key);
                // WeakHashtable keys come back as its weak-reference wrapper; its comparer matches that wrapper to the live key.
                foreach (object key in doomed)
                    dict.Remove(key);
                return doomed.Count;
            }
        }
        catch
        {
            return 0;
        }
    }

    private static bool References(object? value, Func<Assembly, bool> inContext, int depth) => value switch
    {
        null => false,
        Assembly a => inContext(a),
        Type t => TypeIn(t, inContext),
        MemberInfo m => TypeIn(m.DeclaringType, inContext) || inContext(m.Module.Assembly),
        WeakReference w => References(w.Target, inContext, depth),
        PropertyDescriptor p => TypeIn(p.ComponentType, inContext) || TypeIn(p.PropertyType, inContext) || TypeIn(p.GetType(), inContext),
        EventDescriptor ev => TypeIn(ev.ComponentType, inContext) || TypeIn(ev.EventType, inContext) || TypeIn(ev.GetType(), inContext),
        // Cached values are arrays of descriptors/attributes; one level deep is all the runtime stores.
        Array arr when depth == 0 => TypeIn(arr.GetType(), inContext) || AnyElement(arr, inContext),
        _ => TypeIn(value.GetType(), inContext), // e.g. a plugin-defined attribute, converter or provider instance
    };

    private static bool AnyElement(Array arr, Func<Assembly, bool> inContext)
    {
        foreach (object? item in arr)
            if (References(item, inContext, 1))
                return true;
        return false;
    }

    private static bool TypeIn(Type? t, Func<Assembly, bool> inContext)
    {
        // IsCollectible is false for anything (including generic instantiations) that touches no collectible context: cheap filter.
        if (t is null || !t.IsCollectible)
            return false;
        if (t.HasElementType)
            return TypeIn(t.GetElementType(), inContext);
        if (t.IsConstructedGenericType)
        {
            if (TypeIn(t.GetGenericTypeDefinition(), inContext))
                return true;
            foreach (Type arg in t.GenericTypeArguments)
                if (TypeIn(arg, inContext))
                    return true;
            return false;
        }
        return inContext(t.Assembly);
    }
}
