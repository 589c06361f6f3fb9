using System.Runtime.CompilerServices;
using Switchboard.Feel.Syntax;
using Switchboard.Feel.Values;

namespace Switchboard.Feel.Evaluation;

/// <summary>Walks a FEEL syntax tree; problems become null results with a warning. The one exception is an evaluation
/// past its <see cref="EvaluationBudget"/>, which ends with <see cref="FeelEvaluationException"/>.</summary>
public sealed class Evaluator(IReadOnlyDictionary<string, FeelFunction> functions, FeelWarnings warnings, EvaluationBudget? budget = null)
{
    private readonly EvaluationBudget _budget = budget ?? new(TimeProvider.System);

    /// <summary>Calls nested deeper than this (a lambda calling itself) give null instead of overflowing the stack.</summary>
    private const int MaxCallDepth = 64;

    private int _callDepth;

    public object? Evaluate(Node node, Scope scope)
    {
        // Long operator chains nest the tree deeply; on a small thread stack give null rather than crash the host.
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
            return warnings.Null("expression nested too deeply for this thread's stack");
        _budget.Spend(1);
        var value = EvaluateNode(node, scope);
        // What operators and functions build is paid for by its size (a list doubled in a loop grows faster than the
        // steps that double it); names and literals hand on values already paid for.
        if (node is CallNode or BinaryNode or PathNode or FilterNode or ListNode or ContextNode)
            _budget.SpendOn(value);
        return value;
    }

    private object? EvaluateNode(Node node, Scope scope)
    {
        switch (node)
        {
            case LiteralNode literal:
                return literal.Value;
            case NameNode name:
                return Resolve(name, scope);
            case PathNode path:
                return Path(Evaluate(path.Target, scope), path.Name);
            case FilterNode filter:
                return Filter(filter, scope);
            case CallNode call:
                return Call(call, scope);
            case BinaryNode binary:
                return Binary(binary, scope);
            case AndNode and:
                return And(and, scope);
            case OrNode or:
                return Or(or, scope);
            case NegateNode negate:
                return Arithmetic.Negate(Evaluate(negate.Operand, scope), warnings);
            case IfNode ifNode:
                return Evaluate(Evaluate(ifNode.Condition, scope) is true ? ifNode.Then : ifNode.Else, scope);
            case ListNode list:
            {
                var items = new List<object?>(list.Items.Count);
                foreach (var item in list.Items)
                    items.Add(Evaluate(item, scope));
                return items;
            }
            case ContextNode context:
            {
                // Later entries see earlier ones, as the DMN spec defines for context literals.
                var result = new FeelContext(context.Entries.Count);
                var inner = scope.With(result);
                foreach (var (key, value) in context.Entries)
                    result.Set(key, Evaluate(value, inner));
                return result;
            }
            case RangeNode range:
                return new FeelRange(range.Start is null ? null : Evaluate(range.Start, scope), range.StartIncluded,
                    range.End is null ? null : Evaluate(range.End, scope), range.EndIncluded);
            case ForNode forNode:
                return For(forNode, scope);
            case QuantifiedNode quantified:
                return Quantified(quantified, scope);
            case BetweenNode between:
            {
                var value = Evaluate(between.Value, scope);
                var low = Compare(">=", value, Evaluate(between.Low, scope));
                var high = Compare("<=", value, Evaluate(between.High, scope));
                return Logic.And(low, high);
            }
            case InNode inNode:
                return In(Evaluate(inNode.Value, scope), inNode.Tests, scope);
            case UnaryTestNode test:
                return warnings.Null($"unary test '{test.Operator}' outside of 'in'");
            case InstanceOfNode instance:
                return FeelTypes.IsInstance(Evaluate(instance.Value, scope), instance.Type);
            case LambdaNode lambda:
                return Lambda(lambda, scope);
            default:
                return warnings.Null($"unsupported expression {node.GetType().Name}");
        }
    }

    private object? Resolve(NameNode name, Scope scope)
    {
        if (scope.TryResolve(name.Name, out var value))
            return value;
        if (functions.TryGetValue(name.Name, out var function))
            return function;
        return warnings.Null($"no variable '{name.Name}'");
    }

    private object? Path(object? target, string name)
    {
        switch (target)
        {
            case FeelContext context:
                return context.TryGet(name, out var value) ? value : warnings.Null($"no key '{name}'");
            case List<object?> list:
            {
                var projection = new List<object?>(list.Count);
                foreach (var item in list)
                    projection.Add(Path(item, name));
                return projection;
            }
            case null:
                return null;
            default:
                return TemporalProperties.Get(target, name) ?? warnings.Null($"no property '{name}' on {FeelTypes.NameOf(target)}");
        }
    }

    private object? Filter(FilterNode filter, Scope scope)
    {
        var target = Evaluate(filter.Target, scope);
        if (target is null)
            return null;
        var list = target as List<object?> ?? [target];
        // A number in brackets selects by 1-based position (negative counts from the end); anything else filters.
        if (filter.Condition is LiteralNode or NegateNode { Operand: LiteralNode } || IsIndexExpression(filter.Condition, scope))
        {
            if (Evaluate(filter.Condition, scope) is decimal index)
                return Index(list, index);
        }
        var result = new List<object?>();
        foreach (var item in list)
        {
            var itemScope = scope.With("item", item);
            if (item is FeelContext context)
                itemScope = itemScope.With(context);
            if (Evaluate(filter.Condition, itemScope) is true)
                result.Add(item);
        }
        return result;
    }

    private bool IsIndexExpression(Node condition, Scope scope)
    {
        // Names bound outside the list (e.g. list[i] inside a for) index; names of item fields filter.
        if (condition is NameNode name && name.Name != "item" && scope.TryResolve(name.Name, out var value))
            return value is decimal;
        return condition is BinaryNode { Operator: "+" or "-" or "*" } binary && binary.Left is not NameNode { Name: "item" } && IsConstant(binary.Left, scope) && IsConstant(binary.Right, scope);
    }

    private static bool IsConstant(Node node, Scope scope) =>
        node is LiteralNode || (node is NameNode name && name.Name != "item" && scope.TryResolve(name.Name, out var v) && v is decimal);

    private object? Index(List<object?> list, decimal index)
    {
        // No list has as many items as an int cannot count; such a position is simply not in it.
        if (Math.Abs(decimal.Truncate(index)) > int.MaxValue)
            return warnings.Null($"index {FeelText.Number(index)} is out of range");
        var i = (int)decimal.Truncate(index);
        if (i > 0 && i <= list.Count)
            return list[i - 1];
        if (i < 0 && -i <= list.Count)
            return list[list.Count + i];
        return warnings.Null($"index {FeelText.Number(index)} is out of range");
    }

    private object? Binary(BinaryNode binary, Scope scope)
    {
        var left = Evaluate(binary.Left, scope);
        var right = Evaluate(binary.Right, scope);
        return binary.Operator switch
        {
            "=" or "!=" or "<" or "<=" or ">" or ">=" => Compare(binary.Operator, left, right),
            _ => Arithmetic.Apply(binary.Operator, left, right, warnings),
        };
    }

    private bool? Compare(string op, object? left, object? right)
    {
        if (op is "=" or "!=")
        {
            var equal = FeelComparison.Equal(left, right);
            if (equal is null)
                warnings.Null($"cannot compare {FeelTypes.NameOf(left)} with {FeelTypes.NameOf(right)}");
            return op == "=" ? equal : !equal;
        }
        var c = FeelComparison.Compare(left, right);
        if (c is null)
        {
            warnings.Null($"cannot compare {FeelTypes.NameOf(left)} with {FeelTypes.NameOf(right)}");
            return null;
        }
        return op switch { "<" => c < 0, "<=" => c <= 0, ">" => c > 0, _ => c >= 0 };
    }

    private bool? And(AndNode node, Scope scope)
    {
        var left = Logic.AsBoolean(Evaluate(node.Left, scope));
        if (left == false)
            return false;
        return Logic.And(left, Logic.AsBoolean(Evaluate(node.Right, scope)));
    }

    private bool? Or(OrNode node, Scope scope)
    {
        var left = Logic.AsBoolean(Evaluate(node.Left, scope));
        if (left == true)
            return true;
        return Logic.Or(left, Logic.AsBoolean(Evaluate(node.Right, scope)));
    }

    private object? For(ForNode node, Scope scope)
    {
        var results = new List<object?>();
        // "partial" holds the results so far, as the DMN spec allows in the return expression.
        var walk = Iterate(node.Iterators, 0, scope, s =>
        {
            // A copy, not the list being built: returning "partial" itself would put the list inside itself, and
            // writing that out as JSON never ends (a stack overflow, which ends the process). The copies are paid for.
            List<object?>? partial = null;
            if (node.UsesPartial)
            {
                _budget.Spend(results.Count);
                partial = [.. results];
            }
            results.Add(Evaluate(node.Body, partial is null ? s : s.With("partial", partial)));
            return true;
        });
        return walk == Walk.Failed ? null : results;
    }

    private object? Quantified(QuantifiedNode node, Scope scope)
    {
        bool? result = node.Every;
        var walk = Iterate(node.Iterators, 0, scope, s =>
        {
            var value = Logic.AsBoolean(Evaluate(node.Condition, s));
            result = node.Every ? Logic.And(result, value) : Logic.Or(result, value);
            return node.Every ? result != false : result != true;
        });
        return walk == Walk.Failed ? null : result;
    }

    private enum Walk
    {
        Done,
        Stopped,
        Failed,
    }

    /// <summary>Nested iteration over all iterators (later ones see earlier names); the body returns false to stop early.</summary>
    private Walk Iterate(IReadOnlyList<KeyValuePair<string, Node>> iterators, int index, Scope scope, Func<Scope, bool> body)
    {
        if (index == iterators.Count)
            return body(scope) ? Walk.Done : Walk.Stopped;
        var (name, sourceNode) = iterators[index];
        IEnumerable<object?> items;
        switch (Evaluate(sourceNode, scope))
        {
            case List<object?> list:
                items = list;
                break;
            case FeelRange { Start: decimal from, End: decimal to } range:
                items = Count(from, to, range.StartIncluded, range.EndIncluded);
                break;
            case null:
                warnings.Null($"cannot iterate over null '{name}'");
                return Walk.Failed;
            case var single:
                items = [single];
                break;
        }
        foreach (var item in items)
        {
            var walk = Iterate(iterators, index + 1, scope.With(name, item), body);
            if (walk != Walk.Done)
                return walk;
        }
        return Walk.Done;
    }

    private static IEnumerable<object?> Count(decimal from, decimal to, bool fromIncluded, bool toIncluded)
    {
        var step = from <= to ? 1 : -1;
        // At decimal's ends a step past the range would overflow: a bound left out cannot be stepped over, and the loop
        // stops at its last item instead of stepping beyond it.
        if ((!fromIncluded && from == (step > 0 ? decimal.MaxValue : decimal.MinValue)) || (!toIncluded && to == (step > 0 ? decimal.MinValue : decimal.MaxValue)))
            yield break;
        var first = fromIncluded ? from : from + step;
        var last = toIncluded ? to : to - step;
        if (step > 0 ? first > last : first < last)
            yield break;
        for (var i = first; ; i += step)
        {
            yield return i;
            if (step > 0 ? i >= last || last - i < 1 : i <= last || i - last < 1)
                yield break;
        }
    }

    private object? In(object? value, IReadOnlyList<Node> tests, Scope scope)
    {
        bool? result = false;
        foreach (var test in tests)
        {
            bool? matches;
            if (test is UnaryTestNode unary)
                matches = Compare(unary.Operator, value, Evaluate(unary.Operand, scope));
            else
            {
                matches = Evaluate(test, scope) switch
                {
                    FeelRange range => range.Includes(value),
                    List<object?> list => list.Any(item => FeelComparison.Equal(value, item) == true),
                    var other => FeelComparison.Equal(value, other),
                };
            }
            result = Logic.Or(result, matches);
            if (result == true)
                return true;
        }
        return result;
    }

    private FeelFunction Lambda(LambdaNode lambda, Scope scope) =>
        new("anonymous", lambda.Parameters, lambda.Parameters.Count, (arguments, _) =>
        {
            var inner = scope;
            for (var i = 0; i < lambda.Parameters.Count; i++)
                inner = inner.With(lambda.Parameters[i], i < arguments.Length ? arguments[i] : null);
            return Evaluate(lambda.Body, inner);
        });

    private object? Call(CallNode call, Scope scope)
    {
        var callee = call.Callee is NameNode name && !scope.TryResolve(name.Name, out _) && functions.TryGetValue(name.Name, out var builtIn)
            ? builtIn
            : Evaluate(call.Callee, scope);
        if (callee is not FeelFunction function)
            return warnings.Null($"not a function: {Describe(call.Callee)}");
        var arguments = Invocation.Bind(function, call, node => Evaluate(node, scope), warnings);
        if (arguments is null)
            return null;
        if (++_callDepth > MaxCallDepth)
        {
            _callDepth--;
            return warnings.Null($"{function.Name}: calls nested deeper than {MaxCallDepth} levels");
        }
        try
        {
            return function.Invoke(arguments, warnings);
        }
        catch (Exception e) when (e is OverflowException or ArgumentException or InvalidCastException or FormatException or TimeoutException)
        {
            return warnings.Null($"{function.Name}: {e.Message}");
        }
        finally
        {
            _callDepth--;
            // One call may take long with few steps (a regular expression up to its own timeout, which ends in the
            // catch above), and a loop may make many calls.
            _budget.Called();
        }
    }

    private static string Describe(Node node) => node is NameNode n ? $"'{n.Name}'" : "expression";
}
