namespace Switchboard.Tests.Infrastructure;

/// <summary>Tests that drive heavy outside tools (a headless Chromium, the Modeler's linter under node) run alone,
/// after the rest: beside them, the suite's tests with one-second timeouts were starved of the two cores.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ExternalToolsCollection
{
    public const string Name = "External tools";
}
