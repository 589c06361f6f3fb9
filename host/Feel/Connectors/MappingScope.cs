using System.Text.Json.Nodes;
using Switchboard.Feel.Values;

namespace Switchboard.Feel.Connectors;

/// <summary>The variables a connector mapping sees: the output's fields at top level, and the whole output as <c>response</c>.</summary>
internal static class MappingScope
{
    public static FeelContext Of(JsonNode? response)
    {
        var output = FeelJson.ToFeel(response);
        var scope = output is FeelContext fields ? fields.Copy() : new FeelContext(2);
        scope.Set("response", output);
        return scope;
    }
}
