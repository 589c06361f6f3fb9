namespace Switchboard.Core.Describing;

/// <summary>A plugin that cannot be served, with a reason meant for the operator's eyes.</summary>
public sealed class PluginLoadException(string message, Exception? inner = null) : Exception(message, inner);
