using Switchboard.Abstractions;

namespace Switchboard.TestPlugins.LongType;

/// <summary>A connector type of about 100,000 characters: no file system takes a file name that long.</summary>
[Connector(Type, Name = "Long type")]
public sealed class LongTypeConnector
{
    private const string Ten = "xxxxxxxxxx";
    private const string Thousand = Ten + Ten + Ten + Ten + Ten + Ten + Ten + Ten + Ten + Ten + Ten + Ten + Ten + Ten + Ten + Ten + Ten + Ten + Ten + Ten
        + Ten + Ten + Ten + Ten + Ten + Ten + Ten + Ten + Ten + Ten + Ten + Ten + Ten + Ten + Ten + Ten + Ten + Ten + Ten + Ten
        + Ten + Ten + Ten + Ten + Ten + Ten + Ten + Ten + Ten + Ten + Ten + Ten + Ten + Ten + Ten + Ten + Ten + Ten + Ten + Ten
        + Ten + Ten + Ten + Ten + Ten + Ten + Ten + Ten + Ten + Ten + Ten + Ten + Ten + Ten + Ten + Ten + Ten + Ten + Ten + Ten
        + Ten + Ten + Ten + Ten + Ten + Ten + Ten + Ten + Ten + Ten + Ten + Ten + Ten + Ten + Ten + Ten + Ten + Ten + Ten + Ten;
    private const string HundredThousand = TenThousand + TenThousand + TenThousand + TenThousand + TenThousand
        + TenThousand + TenThousand + TenThousand + TenThousand + TenThousand;
    private const string TenThousand = Thousand + Thousand + Thousand + Thousand + Thousand + Thousand + Thousand + Thousand + Thousand + Thousand;

    /// <summary>100,019 characters in all.</summary>
    public const string Type = "test.switchboard:" + HundredThousand + ":1";

    [Operation]
    public string Run(LongTypeInput input) => "ok";
}

/// <summary>One of two types whose template ids differ only in case: one file where case is ignored.</summary>
[Connector("test.switchboard:Case:1", Name = "Upper case")]
public sealed class UpperCaseConnector
{
    [Operation]
    public string Run(LongTypeInput input) => "ok";
}

/// <summary>The other of the two.</summary>
[Connector("test.switchboard:case:1", Name = "Lower case")]
public sealed class LowerCaseConnector
{
    [Operation]
    public string Run(LongTypeInput input) => "ok";
}

/// <summary>One text field.</summary>
public sealed class LongTypeInput
{
    public string? X { get; set; }
}
