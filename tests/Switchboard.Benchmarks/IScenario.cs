namespace Switchboard.Benchmarks;

/// <summary>A benchmark scenario: a Switchboard endpoint under test and the baseline it is compared with.</summary>
internal interface IScenario : IAsyncDisposable
{
    /// <summary>What the scenario measures, printed with the results.</summary>
    string Description { get; }

    /// <summary>Starts what the scenario needs; returns the target under test and its baseline.</summary>
    Task<(LoadTarget Subject, LoadTarget Baseline)> StartAsync();
}
