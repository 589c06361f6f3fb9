namespace Switchboard.Core;

/// <summary>What a connector said about its output beyond the output itself: status, headers, media type.</summary>
public sealed record ResponseFacts(int StatusCode, IReadOnlyDictionary<string, string> Headers, string? MediaType);
