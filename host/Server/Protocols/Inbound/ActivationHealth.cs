using System.Text.Json.Nodes;

namespace Switchboard.Host.Protocols.Inbound;

/// <summary>Whether a running polling or subscription activation works, and since when; shown in <c>GET /inbound</c>.</summary>
internal sealed class ActivationHealth(TimeProvider time)
{
    // Down until the loop has really started (a reload's new loop waits for the one it replaces to stop) and its
    // connector is seen to work (a subscription's run started, a poll gone through): never up for a loop that is not
    // running, nor for a poller that has not polled.
    private volatile Snapshot _current = new(false, "starting", time.GetUtcNow());

    public bool IsUp => _current.Up;

    public void Up()
    {
        if (!_current.Up)
            _current = new Snapshot(true, null, time.GetUtcNow());
    }

    public void Down(string reason)
    {
        reason = StatusText.Cut(reason)!;
        if (_current.Up || _current.Reason != reason)
            _current = new Snapshot(false, reason, time.GetUtcNow());
    }

    public JsonObject Describe()
    {
        var current = _current;
        return new JsonObject
        {
            ["status"] = current.Up ? "up" : "down",
            ["reason"] = current.Reason,
            ["since"] = current.Since.ToString("O"),
        };
    }

    private sealed record Snapshot(bool Up, string? Reason, DateTimeOffset Since);
}
