using Switchboard.Abstractions;

namespace Switchboard.TestPlugins.ConformanceMisdeclared;

/// <summary>Takes a CancellationToken where an operation may only take an IConnectorContext.</summary>
[Connector("test.switchboard:misdeclared:1")]
public sealed class MisdeclaredConnector
{
    [Operation]
    public object Run(MisdeclaredInput input, CancellationToken cancellationToken) => new { input.Text };
}

public sealed class MisdeclaredInput
{
    public string? Text { get; set; }
}
