namespace SwitchboardConnector;

/// <summary>What the connector returns: serialized as JSON with camelCase names.</summary>
public sealed record GreetOutput(string Message);
