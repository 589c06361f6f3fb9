using System.Runtime.CompilerServices;
using Switchboard.Feel.Evaluation;

namespace Switchboard.Feel.Values;

/// <summary>The guard of every function that walks a value by recursion (comparing, printing, flattening, writing a
/// path of keys). Each level walked is a step of the running evaluation's budget, since lists that share their items
/// can stand for far more than they hold (twenty levels of two references to the one below print a million items);
/// and a value nested deeper than the thread's stack allows ends the evaluation with <see cref="FeelEvaluationException"/>
/// instead of overflowing the stack, which would end the process.</summary>
internal static class FeelNesting
{
    public static void Enter()
    {
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
            throw new FeelEvaluationException("a value is nested too deeply to walk on this thread's stack");
        EvaluationBudget.Current?.Spend(1);
    }
}
