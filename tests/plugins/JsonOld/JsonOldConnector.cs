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
        };
    }
}

public sealed class Order
{
    public string Customer { get; set; } = "";
    public int Lines { get; set; }
}

public sealed class Report
{
    public string Json { get; set; } = "";
    public int Lines { get; set; }
    public string NewtonsoftVersion { get; set; } = "";
    public bool NewtonsoftIsolated { get; set; }
}
