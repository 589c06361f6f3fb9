using Switchboard.Abstractions;

namespace Switchboard.TestPlugins.RecursiveInput;

/// <summary>A connector whose input refers to itself four times, and through another class once more: expanded to the
/// depth limit it would describe 4^9 parameters.</summary>
[Connector("test.switchboard:recursive:1", Name = "Recursive")]
public sealed class RecursiveConnector
{
    /// <summary>Counts the nodes it was given, so a test sees input bound deeper than it is described.</summary>
    [Operation]
    public int Count(Node input) => Count(input as object);

    private static int Count(object? node) => node switch
    {
        Node n => 1 + Count(n.C0) + Count(n.C1) + Count(n.C2) + Count(n.C3) + Count(n.Via),
        Link l => Count(l.Back),
        _ => 0,
    };
}

/// <summary>A tree node whose children are nodes.</summary>
public sealed class Node
{
    public string? Leaf { get; set; }
    public Node? C0 { get; set; }
    public Node? C1 { get; set; }
    public Node? C2 { get; set; }
    public Node? C3 { get; set; }
    public Link? Via { get; set; }
}

/// <summary>The way back to <see cref="Node"/> through a second class: a cycle of two.</summary>
public sealed class Link
{
    public string? Label { get; set; }
    public Node? Back { get; set; }
}
