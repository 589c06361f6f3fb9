using System.Text.Json;
using System.Text.Json.Nodes;
using Switchboard.Abstractions.Documents;
using Switchboard.Abstractions.Spiff;
using Switchboard.Abstractions.Zeebe;

namespace Switchboard.Host.Isolation;

/// <summary>A call's protocol features (<see cref="ZeebeJob"/>, <see cref="SpiffTask"/>, and whether it has an
/// <see cref="IDocumentStore"/>) as they cross to a worker, so an isolated connector reads the same details with
/// <c>context.Get&lt;T&gt;()</c> as an in-process one.</summary>
internal static class WorkerFeatures
{
    public static JsonObject Write(IReadOnlyList<object> features)
    {
        var json = new JsonObject();
        foreach (var feature in features)
        {
            switch (feature)
            {
                case ZeebeJob job:
                    json["zeebeJob"] = JsonSerializer.SerializeToNode(job);
                    break;
                case SpiffTask task:
                    json["spiffTask"] = JsonSerializer.SerializeToNode(task);
                    break;
                case IDocumentStore:
                    // A service, not data: the worker gets a store that asks the host's over the connection (WorkerDocumentStore).
                    json["documents"] = true;
                    break;
            }
        }
        return json;
    }

    public static IReadOnlyList<object> Read(JsonObject? json)
    {
        if (json is null)
            return [];
        var features = new List<object>();
        if (json["zeebeJob"] is JsonObject job)
            features.Add(job.Deserialize<ZeebeJob>()!);
        if (json["spiffTask"] is JsonObject task)
            features.Add(task.Deserialize<SpiffTask>()!);
        return features;
    }
}
