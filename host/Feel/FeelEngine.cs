using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Switchboard.Feel.BuiltIns;
using Switchboard.Feel.Syntax;

namespace Switchboard.Feel;

/// <summary>Parses FEEL expressions once (bounded cache by text) and evaluates them against JSON variables.</summary>
public sealed class FeelEngine
{
    private readonly ConcurrentDictionary<string, CompiledExpression> _cache = new(StringComparer.Ordinal);
    private readonly FunctionTable _table;
    private readonly int _capacity;
    private readonly int _characters;
    private readonly object _adding = new();
    private int _cachedCharacters;
    private readonly TimeProvider _clock;

    /// <summary>An engine whose <c>now()</c> and <c>today()</c> read <paramref name="clock"/>, which also measures each
    /// evaluation's time limit (the system clock when null). Its cache keeps at most <paramref name="cacheCapacity"/>
    /// expressions of at most <paramref name="cacheCharacters"/> characters together.</summary>
    public FeelEngine(TimeProvider? clock = null, int cacheCapacity = 1024, int cacheCharacters = 1 << 20)
    {
        _clock = clock ?? TimeProvider.System;
        _table = new FunctionTable(_clock);
        _capacity = cacheCapacity;
        _characters = cacheCharacters;
    }

    /// <summary>Shared engine on the system clock; stateless apart from its cache.</summary>
    public static FeelEngine Default { get; } = new();

    public int CachedCount => _cache.Count;

    /// <summary>Parses (or takes from the cache) an expression without the header's leading '='. Throws <see cref="FeelException"/>.</summary>
    public CompiledExpression Parse(string expression)
    {
        if (_cache.TryGetValue(expression, out var cached))
            return cached;
        var compiled = new CompiledExpression(expression, Parser.Parse(expression, _table.MultiWordNames), _table.Functions, _clock);
        // Bounded by characters as well as by count: a token count bounds a tree, not a string literal in it, and a
        // model can hold megabyte expressions. One larger than a sixteenth of the budget is parsed for each use, which
        // costs no more than evaluating it. Expressions come from process models, so distinct texts are few; a full
        // cache is simply started afresh.
        if (expression.Length > _characters / 16)
            return compiled;
        lock (_adding)
        {
            if (_cache.Count >= _capacity || _cachedCharacters + expression.Length > _characters)
            {
                _cache.Clear();
                _cachedCharacters = 0;
            }
            if (_cache.TryAdd(expression, compiled))
                _cachedCharacters += expression.Length;
        }
        return compiled;
    }

    /// <summary>Parses without touching the cache (for measuring and one-off checks).</summary>
    public CompiledExpression ParseUncached(string expression) =>
        new(expression, Parser.Parse(expression, _table.MultiWordNames), _table.Functions, _clock);

    /// <summary>Parses and evaluates; throws <see cref="FeelException"/> for an expression that does not parse and
    /// <see cref="FeelEvaluationException"/> for one stopped at its limits.</summary>
    public FeelResult Evaluate(string expression, JsonObject? variables) => Parse(expression).Evaluate(variables);

    /// <summary>A Camunda header value: "=expr" is FEEL; anything else is a literal string, as in Camunda.</summary>
    public FeelResult EvaluateHeader(string header, JsonObject? variables) =>
        header.StartsWith('=') ? Evaluate(header[1..], variables) : new FeelResult(JsonValue.Create(header), []);
}
