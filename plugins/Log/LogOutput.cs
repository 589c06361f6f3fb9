namespace Switchboard.Plugins.Log;

/// <summary>Confirms the message was written.</summary>
public sealed record LogOutput(string Status);
