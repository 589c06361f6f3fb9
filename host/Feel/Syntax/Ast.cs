namespace Switchboard.Feel.Syntax;

/// <summary>A node of the FEEL syntax tree; Offset points into the source for messages.</summary>
public abstract record Node(int Offset);

/// <summary>A number, string, boolean, null or temporal literal.</summary>
public sealed record LiteralNode(int Offset, object? Value) : Node(Offset);

/// <summary>A variable or function name (may contain spaces).</summary>
public sealed record NameNode(int Offset, string Name) : Node(Offset);

/// <summary>A list literal <c>[a, b]</c>.</summary>
public sealed record ListNode(int Offset, IReadOnlyList<Node> Items) : Node(Offset);

/// <summary>A context literal <c>{key: value}</c>; later entries see earlier ones.</summary>
public sealed record ContextNode(int Offset, IReadOnlyList<KeyValuePair<string, Node>> Entries) : Node(Offset);

/// <summary>A range <c>[a..b)</c>; a missing bound is open.</summary>
public sealed record RangeNode(int Offset, Node? Start, bool StartIncluded, Node? End, bool EndIncluded) : Node(Offset);

/// <summary>A path <c>target.name</c>; on a list it projects each item.</summary>
public sealed record PathNode(int Offset, Node Target, string Name) : Node(Offset);

/// <summary>A filter <c>target[condition]</c> or a 1-based index <c>target[2]</c>.</summary>
public sealed record FilterNode(int Offset, Node Target, Node Condition) : Node(Offset);

/// <summary>A function invocation with positional or named arguments.</summary>
public sealed record CallNode(int Offset, Node Callee, IReadOnlyList<Node> Positional, IReadOnlyList<KeyValuePair<string, Node>>? Named) : Node(Offset);

/// <summary>Arithmetic negation <c>-x</c>.</summary>
public sealed record NegateNode(int Offset, Node Operand) : Node(Offset);

/// <summary>Arithmetic (+ - * / **) and comparison (= != &lt; &lt;= &gt; &gt;=).</summary>
public sealed record BinaryNode(int Offset, string Operator, Node Left, Node Right) : Node(Offset);

/// <summary>Three-valued conjunction.</summary>
public sealed record AndNode(int Offset, Node Left, Node Right) : Node(Offset);

/// <summary>Three-valued disjunction.</summary>
public sealed record OrNode(int Offset, Node Left, Node Right) : Node(Offset);

/// <summary><c>if c then a else b</c>; a non-boolean condition takes the else branch.</summary>
public sealed record IfNode(int Offset, Node Condition, Node Then, Node Else) : Node(Offset);

/// <summary><c>for x in xs, y in ys return e</c>.</summary>
public sealed record ForNode(int Offset, IReadOnlyList<KeyValuePair<string, Node>> Iterators, Node Body) : Node(Offset)
{
    /// <summary>Whether the body names <c>partial</c>, the results so far: only then is a copy of them made for each iteration.</summary>
    public bool UsesPartial { get; init; }
}

/// <summary><c>some</c> / <c>every x in xs satisfies c</c>.</summary>
public sealed record QuantifiedNode(int Offset, bool Every, IReadOnlyList<KeyValuePair<string, Node>> Iterators, Node Condition) : Node(Offset);

/// <summary><c>x between a and b</c> (inclusive).</summary>
public sealed record BetweenNode(int Offset, Node Value, Node Low, Node High) : Node(Offset);

/// <summary><c>x in tests</c>: true when any test matches.</summary>
public sealed record InNode(int Offset, Node Value, IReadOnlyList<Node> Tests) : Node(Offset);

/// <summary>A positive unary test such as <c>&lt; 10</c> on the right of <c>in</c>.</summary>
public sealed record UnaryTestNode(int Offset, string Operator, Node Operand) : Node(Offset);

/// <summary><c>x instance of type</c>.</summary>
public sealed record InstanceOfNode(int Offset, Node Value, string Type) : Node(Offset);

/// <summary>A user function <c>function(a, b) body</c>.</summary>
public sealed record LambdaNode(int Offset, IReadOnlyList<string> Parameters, Node Body) : Node(Offset);
