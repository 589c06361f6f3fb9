using System.Globalization;
namespace Switchboard.Feel.Evaluation;

/// <summary>The work and time one evaluation may take: each expression evaluated, each iteration and each value a
/// list, a context or a string holds count as steps. Far above any mapping a process model needs (a result mapping of
/// a few thousand items takes some tens of thousands of steps and a few milliseconds), low enough that a hostile
/// expression stops within a second or two and a few megabytes.</summary>
/// <param name="time">The clock <see cref="MaxTime"/> is measured on: the engine's, so that a test on a clock that does
/// not move sees the step limit alone, whatever the speed of the machine.</param>
public sealed class EvaluationBudget(TimeProvider time)
{
    /// <summary>Steps one evaluation may take.</summary>
    public const long MaxSteps = 1_000_000;

    /// <summary>How long one evaluation may take. Steps alone do not bound it: one step may be a regular expression
    /// that backtracks until its own 200 ms timeout, and a loop may make thousands of them.</summary>
    public static readonly TimeSpan MaxTime = TimeSpan.FromSeconds(2);

    // A string costs a step per this many characters: a 1 MB string is worth about as much work as a list of 64 Ki items.
    private const int CharactersPerStep = 8;

    // The clock is read once in this many steps; a function call counts as this many of them towards a read, so a loop
    // of calls that each take long with few steps (a regular expression running to its 200 ms timeout) is looked at every
    // eighth call, and a mapping calling a handful of functions reads the clock not at all.
    private const int StepsPerClockRead = 1024;
    private const int CallWeight = StepsPerClockRead / 8;

    /// <summary>The budget of the evaluation running on this thread, if any: what walks values by recursion (comparing,
    /// printing, flattening) spends from it without being handed it. FEEL evaluation never leaves its thread.</summary>
    [ThreadStatic]
    internal static EvaluationBudget? Current;

    private readonly long _started = time.GetTimestamp();
    private long _left = MaxSteps;
    private long _untilClockRead = StepsPerClockRead;

    /// <summary>Takes <paramref name="steps"/>; throws <see cref="FeelEvaluationException"/> once the budget is spent.</summary>
    public void Spend(long steps)
    {
        _left -= steps;
        if (_left < 0)
            throw new FeelEvaluationException(string.Create(CultureInfo.InvariantCulture, $"the expression was stopped after {MaxSteps:N0} steps: it iterates, or builds lists or strings, far beyond what a mapping needs"));
        _untilClockRead -= steps;
        if (_untilClockRead <= 0)
        {
            _untilClockRead = StepsPerClockRead;
            CheckTime();
        }
    }

    /// <summary>After a function call: brings the next look at the clock closer, by more than a step does.</summary>
    public void Called()
    {
        _untilClockRead -= CallWeight;
        if (_untilClockRead <= 0)
        {
            _untilClockRead = StepsPerClockRead;
            CheckTime();
        }
    }

    /// <summary>Throws <see cref="FeelEvaluationException"/> once the evaluation has taken longer than <see cref="MaxTime"/>.</summary>
    public void CheckTime()
    {
        if (time.GetElapsedTime(_started) > MaxTime)
            throw new FeelEvaluationException(string.Create(CultureInfo.InvariantCulture, $"the expression was stopped after {MaxTime.TotalSeconds:0.#} s: it takes far longer than a mapping needs"));
    }

    /// <summary>Takes what text of <paramref name="characters"/> costs, before it is built: a function that builds one
    /// string from many (a join, a print of a list) would otherwise make all of it first, hundreds of megabytes from a
    /// list of references to one large string, and be charged only once it returned.</summary>
    public void SpendOnText(long characters) => Spend(characters / CharactersPerStep);

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
                SpendOnText(text.Length);
                break;
        }
    }
}
