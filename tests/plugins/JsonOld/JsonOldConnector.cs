using System.Reflection;
using System.Runtime.Loader;
using Newtonsoft.Json;
using Switchboard.Abstractions;

namespace Switchboard.TestPlugins.JsonOld;

/// <summary>Serializes its own type with its own Newtonsoft.Json 12.0.3 and says which copy it used.</summary>
[Connector("test.switchboard:json-old:1", Name = "JsonOld")]
public sealed class JsonOldConnector
{
    [Operation]
    public Report Serialize(Order input)
    {
        var json = JsonConvert.SerializeObject(input);
        var back = JsonConvert.DeserializeObject<Order>(json)!;
        return new Report
        {
            Json = json,
            Lines = back.Lines,
            NewtonsoftVersion = typeof(JsonConvert).Assembly.GetCustomAttribute<AssemblyFileVersionAttribute>()!.Version,
            NewtonsoftIsolated = AssemblyLoadContext.GetLoadContext(typeof(JsonConvert).Assembly) != AssemblyLoadContext.Default,
            BoundInOwnContext = input.BoundInOwnContext,
            RanInOwnContext = InOwnContext(),
        };
    }

    /// <summary>Whether a name-based load (Type.GetType, Assembly.Load, a serializer's type names) would look in this
    /// plugin's own load context: the host makes it the contextual reflection context while plugin code runs.</summary>
    internal static bool InOwnContext() =>
        AssemblyLoadContext.CurrentContextualReflectionContext == AssemblyLoadContext.GetLoadContext(typeof(JsonOldConnector).Assembly);
}

public sealed class Order
{
    private int _lines;

    public string Customer { get; set; } = "";

    public int Lines
    {
        get => _lines;
        set
        {
            _lines = value;
            BoundInOwnContext = JsonOldConnector.InOwnContext();
        }
    }

    // Set while the host binds the input (plugin code: this setter); not an input field.
    internal bool BoundInOwnContext { get; private set; }
}

public sealed class Report
{
    public string Json { get; set; } = "";
    public int Lines { get; set; }
    public string NewtonsoftVersion { get; set; } = "";
    public bool NewtonsoftIsolated { get; set; }
    public bool BoundInOwnContext { get; set; }
    public bool RanInOwnContext { get; set; }
}
