namespace Switchboard.Feel.Evaluation;

/// <summary>The work one evaluation may do: each expression evaluated, each iteration and each value a list, a
/// context or a string holds count as steps. Far above any mapping a process model needs (a result mapping of a
/// few hundred items takes a few thousand), low enough that a hostile expression stops within a fraction of a
/// second and a few megabytes.</summary>
public sealed class EvaluationBudget
{
    /// <summary>Steps one evaluation may take.</summary>
    public const long MaxSteps = 1_000_000;

    // A string costs a step per this many characters: a 1 MB string is worth about as much work as a list of 64 Ki items.
    private const int CharactersPerStep = 8;

    private long _left = MaxSteps;

    /// <summary>Takes <paramref name="steps"/>; throws <see cref="FeelLimitException"/> once the budget is spent.</summary>
    public void Spend(long steps)
    {
        _left -= steps;
        if (_left < 0)
            throw new FeelLimitException($"the expression was stopped after {MaxSteps:N0} steps: it iterates, or builds lists or strings, far beyond what a mapping needs");
    }

    /// <summary>Takes what <paramref name="value"/> holds: its items, its entries or its characters.</summary>
    public void SpendOn(object? value)
    {
        switch (value)
        {
            case List<object?> list:
                Spend(list.Count);
                break;
            case Values.FeelContext context:
                Spend(context.Count);
                break;
            case string text:
                Spend(text.Length / CharactersPerStep);
                break;
        }
    }
}
