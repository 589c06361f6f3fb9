using Switchboard.Abstractions;

namespace Switchboard.TestPlugins.ThrowingCtor;

/// <summary>A connector whose constructor fails, as one that cannot reach its configuration would.</summary>
[Connector("test.switchboard:throwing:1")]
public sealed class ThrowingConnector
{
    public ThrowingConnector() => throw new InvalidOperationException("configuration value 'endpoint' is missing");

    [Operation]
    public string Run(Nothing input) => "unreachable";
}

public sealed class Nothing;
