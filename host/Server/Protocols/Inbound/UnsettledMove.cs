namespace Switchboard.Host.Protocols.Inbound;

/// <summary>A poll whose events are not all settled yet: the cursor move it asked for (<paramref name="From"/> to
/// <paramref name="To"/>) and the id its events are published under, so that polling the same move again publishes
/// them under the same ids and Zeebe refuses the repeats.</summary>
internal sealed record UnsettledMove(string? From, string To, string Id);
