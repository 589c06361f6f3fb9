namespace Switchboard.Host.Feel.Syntax;

/// <summary>A node of the FEEL syntax tree; Offset points into the source for messages.</summary>
public abstract record Node(int Offset);

public sealed record LiteralNode(int Offset, object? Value) : Node(Offset);

public sealed record NameNode(int Offset, string Name) : Node(Offset);

public sealed record ListNode(int Offset, IReadOnlyList<Node> Items) : Node(Offset);

public sealed record ContextNode(int Offset, IReadOnlyList<KeyValuePair<string, Node>> Entries) : Node(Offset);

public sealed record RangeNode(int Offset, Node? Start, bool StartIncluded, Node? End, bool EndIncluded) : Node(Offset);

public sealed record PathNode(int Offset, Node Target, string Name) : Node(Offset);

public sealed record FilterNode(int Offset, Node Target, Node Condition) : Node(Offset);

public sealed record CallNode(int Offset, Node Callee, IReadOnlyList<Node> Positional, IReadOnlyList<KeyValuePair<string, Node>>? Named) : Node(Offset);

public sealed record NegateNode(int Offset, Node Operand) : Node(Offset);

/// <summary>Arithmetic (+ - * / **) and comparison (= != &lt; &lt;= &gt; &gt;=).</summary>
public sealed record BinaryNode(int Offset, string Operator, Node Left, Node Right) : Node(Offset);

public sealed record AndNode(int Offset, Node Left, Node Right) : Node(Offset);

public sealed record OrNode(int Offset, Node Left, Node Right) : Node(Offset);

public sealed record IfNode(int Offset, Node Condition, Node Then, Node Else) : Node(Offset);

public sealed record ForNode(int Offset, IReadOnlyList<KeyValuePair<string, Node>> Iterators, Node Body) : Node(Offset);

public sealed record QuantifiedNode(int Offset, bool Every, IReadOnlyList<KeyValuePair<string, Node>> Iterators, Node Condition) : Node(Offset);

public sealed record BetweenNode(int Offset, Node Value, Node Low, Node High) : Node(Offset);

public sealed record InNode(int Offset, Node Value, IReadOnlyList<Node> Tests) : Node(Offset);

/// <summary>A positive unary test such as <c>&lt; 10</c> on the right of <c>in</c>.</summary>
public sealed record UnaryTestNode(int Offset, string Operator, Node Operand) : Node(Offset);

public sealed record InstanceOfNode(int Offset, Node Value, string Type) : Node(Offset);

public sealed record LambdaNode(int Offset, IReadOnlyList<string> Parameters, Node Body) : Node(Offset);
