using System.Text.Json.Nodes;

namespace Switchboard.Tests.Dashboard;

/// <summary>Reads the dashboard's live feed (<c>/ui/api/events</c>) as a page does.</summary>
internal static class DashboardEvents
{
    /// <summary>Reads events until a state matches; answers it with the length of its data line. The host pushes each
    /// change, so no polling here.</summary>
    public static async Task<(JsonObject State, int Length)> NextStateAsync(StreamReader events, Func<JsonObject, bool> matches)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var line = await events.ReadLineAsync(timeout.Token) ?? throw new EndOfStreamException("the event stream ended");
            if (!line.StartsWith("data: ", StringComparison.Ordinal) || line.Length == "data: ".Length)
                continue;
            var state = JsonNode.Parse(line["data: ".Length..])!.AsObject();
            if (matches(state))
                return (state, line.Length);
        }
    }
}
