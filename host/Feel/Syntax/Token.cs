namespace Switchboard.Feel.Syntax;

/// <summary>The kinds of FEEL tokens.</summary>
public enum TokenKind
{
    Number,
    String,
    /// <summary>A temporal literal such as <c>@"2024-01-15"</c>; Text is the string inside.</summary>
    Temporal,
    Name,
    Symbol,
    End,
}

/// <summary>One token with its text (unescaped for strings) and its offset in the expression.</summary>
public readonly record struct Token(TokenKind Kind, string Text, int Offset)
{
    public bool Is(string symbol) => Kind == TokenKind.Symbol && Text == symbol;

    public bool IsName(string name) => Kind == TokenKind.Name && Text == name;

    public override string ToString() => Kind switch
    {
        TokenKind.End => "end of expression",
        TokenKind.String => $"string \"{Text}\"",
        _ => $"'{Text}'",
    };
}
