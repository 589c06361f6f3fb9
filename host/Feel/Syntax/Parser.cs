using System.Globalization;
using System.Runtime.CompilerServices;

namespace Switchboard.Feel.Syntax;

/// <summary>Recursive-descent parser from FEEL text to a syntax tree; throws <see cref="FeelException"/> naming the position.</summary>
public sealed class Parser
{
    private static readonly HashSet<string> Keywords = ["if", "then", "else", "for", "in", "return", "some", "every", "satisfies", "and", "or", "between", "instance", "of", "function", "true", "false", "null"];

    private static readonly string[] TypeNames = ["years and months duration", "days and time duration", "date and time", "number", "string", "boolean", "date", "time", "list", "context", "range", "function", "Any", "Null"];

    private readonly string _text;
    private readonly List<Token> _tokens;
    private readonly IReadOnlyList<string[]> _multiWordNames;
    private int _position;
    private int _depth;
    private int _partialMentions;

    /// <summary>Deeper nesting than any real mapping needs; the limit keeps hostile input from exhausting the stack.</summary>
    private const int MaxDepth = 200;

    /// <summary>Bounds operator chains too (they nest the tree without nesting the text), far above any real mapping.</summary>
    private const int MaxTokens = 4_000;

    private Parser(string text, IReadOnlyList<string[]> multiWordNames)
    {
        _text = text;
        _tokens = Lexer.Tokenize(text);
        _multiWordNames = multiWordNames;
        if (_tokens.Count > MaxTokens)
            throw new FeelException($"expression has more than {MaxTokens} tokens", text, _tokens[MaxTokens].Offset);
    }

    /// <summary>Parses a whole expression. <paramref name="multiWordNames"/> are function names with spaces, longest first.</summary>
    public static Node Parse(string text, IReadOnlyList<string[]> multiWordNames)
    {
        var parser = new Parser(text, multiWordNames);
        if (parser.Current.Kind == TokenKind.End)
            throw new FeelException("empty expression", text, 0);
        var node = parser.ParseExpression();
        if (parser.Current.Kind != TokenKind.End)
            throw parser.Error($"unexpected {parser.Current}");
        return node;
    }

    private Token Current => _tokens[_position];

    private Token Peek(int ahead) => _tokens[Math.Min(_position + ahead, _tokens.Count - 1)];

    private Token Next()
    {
        var token = Current;
        if (_position < _tokens.Count - 1)
            _position++;
        return token;
    }

    private FeelException Error(string problem, int? offset = null) => new(problem, _text, offset ?? Current.Offset);

    private bool Accept(string symbol)
    {
        if (!Current.Is(symbol))
            return false;
        _position++;
        return true;
    }

    private bool AcceptName(string name)
    {
        if (!Current.IsName(name))
            return false;
        _position++;
        return true;
    }

    private void Expect(string symbol)
    {
        if (!Accept(symbol))
            throw Error($"expected '{symbol}' but found {Current}");
    }

    private void ExpectName(string name)
    {
        if (!AcceptName(name))
            throw Error($"expected '{name}' but found {Current}");
    }

    private Node ParseExpression()
    {
        if (++_depth > MaxDepth || !RuntimeHelpers.TryEnsureSufficientExecutionStack())
            throw Error($"expression nested deeper than {MaxDepth} levels or than this thread's stack allows");
        try
        {
            return ParseExpressionBody();
        }
        finally
        {
            _depth--;
        }
    }

    private Node ParseExpressionBody()
    {
        var start = Current.Offset;
        if (AcceptName("if"))
        {
            var condition = ParseExpression();
            ExpectName("then");
            var then = ParseExpression();
            ExpectName("else");
            return new IfNode(start, condition, then, ParseExpression());
        }
        if (AcceptName("for"))
        {
            var iterators = ParseIterators();
            ExpectName("return");
            var mentionsBefore = _partialMentions;
            var body = ParseExpression();
            return new ForNode(start, iterators, body) { UsesPartial = _partialMentions > mentionsBefore };
        }
        if (Current.IsName("some") || Current.IsName("every"))
        {
            var every = Next().Text == "every";
            var iterators = ParseIterators();
            ExpectName("satisfies");
            return new QuantifiedNode(start, every, iterators, ParseExpression());
        }
        if (Current.IsName("function") && Peek(1).Is("("))
        {
            _position += 2;
            var parameters = new List<string>();
            if (!Accept(")"))
            {
                do
                    parameters.Add(ExpectPlainName());
                while (Accept(","));
                Expect(")");
            }
            return new LambdaNode(start, parameters, ParseExpression());
        }
        return ParseDisjunction();
    }

    private List<KeyValuePair<string, Node>> ParseIterators()
    {
        var iterators = new List<KeyValuePair<string, Node>>();
        do
        {
            var name = ExpectPlainName();
            ExpectName("in");
            var source = ParseDisjunction();
            if (Accept(".."))
                source = new RangeNode(source.Offset, source, true, ParseDisjunction(), true);
            iterators.Add(new(name, source));
        }
        while (Accept(","));
        return iterators;
    }

    private string ExpectPlainName()
    {
        if (Current.Kind != TokenKind.Name || Keywords.Contains(Current.Text))
            throw Error($"expected a name but found {Current}");
        return Next().Text;
    }

    private Node ParseDisjunction()
    {
        var left = ParseConjunction();
        while (Current.IsName("or"))
        {
            var offset = Next().Offset;
            left = new OrNode(offset, left, ParseConjunction());
        }
        return left;
    }

    private Node ParseConjunction()
    {
        var left = ParseComparison();
        while (Current.IsName("and"))
        {
            var offset = Next().Offset;
            left = new AndNode(offset, left, ParseComparison());
        }
        return left;
    }

    private Node ParseComparison()
    {
        var left = ParseAdditive();
        while (true)
        {
            var token = Current;
            if (token.Kind == TokenKind.Symbol && token.Text is "=" or "!=" or "<" or "<=" or ">" or ">=")
            {
                _position++;
                left = new BinaryNode(token.Offset, token.Text, left, ParseAdditive());
            }
            else if (AcceptName("between"))
            {
                var low = ParseAdditive();
                ExpectName("and");
                left = new BetweenNode(token.Offset, left, low, ParseAdditive());
            }
            else if (AcceptName("in"))
            {
                left = new InNode(token.Offset, left, ParseInTests());
            }
            else if (AcceptName("instance"))
            {
                ExpectName("of");
                left = new InstanceOfNode(token.Offset, left, ParseTypeName());
            }
            else
            {
                return left;
            }
        }
    }

    private string ParseTypeName()
    {
        foreach (var type in TypeNames)
        {
            var words = type.Split(' ');
            if (Enumerable.Range(0, words.Length).All(i => Peek(i).Kind == TokenKind.Name && Peek(i).Text == words[i]))
            {
                _position += words.Length;
                if (Current.Is("<"))
                    throw Error("generic type names are not supported");
                return type;
            }
        }
        throw Error($"unknown type name {Current}");
    }

    private List<Node> ParseInTests()
    {
        // "x in (1, 2, 3)" lists alternatives; "(1..5)" is an open range; "(a + b)" is a plain expression.
        if (Current.Is("("))
        {
            var open = Next();
            var first = ParsePositiveUnaryTest();
            if (Accept(".."))
                return [FinishRange(open.Offset, first, false)];
            var tests = new List<Node> { first };
            while (Accept(","))
                tests.Add(ParsePositiveUnaryTest());
            Expect(")");
            return tests;
        }
        return [ParsePositiveUnaryTest()];
    }

    private Node ParsePositiveUnaryTest()
    {
        var token = Current;
        if (token.Kind == TokenKind.Symbol && token.Text is "<" or "<=" or ">" or ">=" or "=" or "!=")
        {
            _position++;
            return new UnaryTestNode(token.Offset, token.Text, ParseAdditive());
        }
        return ParseAdditive();
    }

    private Node ParseAdditive()
    {
        var left = ParseMultiplicative();
        while (Current.Is("+") || Current.Is("-"))
        {
            var op = Next();
            left = new BinaryNode(op.Offset, op.Text, left, ParseMultiplicative());
        }
        return left;
    }

    private Node ParseMultiplicative()
    {
        var left = ParseExponent();
        while (Current.Is("*") || Current.Is("/"))
        {
            var op = Next();
            left = new BinaryNode(op.Offset, op.Text, left, ParseExponent());
        }
        return left;
    }

    private Node ParseExponent()
    {
        var left = ParseUnary();
        while (Current.Is("**"))
        {
            var op = Next();
            left = new BinaryNode(op.Offset, "**", left, ParseUnary());
        }
        return left;
    }

    private Node ParseUnary()
    {
        if (Current.Is("-"))
        {
            var offset = Next().Offset;
            return new NegateNode(offset, ParseExpressionAsOperand());
        }
        return ParsePostfix(ParsePrimary());
    }

    /// <summary>A negated operand, counted against the nesting limit like a parenthesised expression.</summary>
    private Node ParseExpressionAsOperand()
    {
        if (++_depth > MaxDepth)
            throw Error($"expression nested deeper than {MaxDepth} levels");
        try
        {
            return ParseUnary();
        }
        finally
        {
            _depth--;
        }
    }

    private Node ParsePostfix(Node node)
    {
        while (true)
        {
            var token = Current;
            if (Accept("."))
            {
                if (Current.Kind != TokenKind.Name)
                    throw Error($"expected a name after '.' but found {Current}");
                node = new PathNode(token.Offset, node, ReadSpacedName());
            }
            else if (Accept("["))
            {
                var condition = ParseExpression();
                Expect("]");
                node = new FilterNode(token.Offset, node, condition);
            }
            else if (Accept("("))
            {
                node = ParseArguments(token.Offset, node);
            }
            else
            {
                return node;
            }
        }
    }

    private CallNode ParseArguments(int offset, Node callee)
    {
        var positional = new List<Node>();
        List<KeyValuePair<string, Node>>? named = null;
        if (Accept(")"))
            return new CallNode(offset, callee, positional, named);
        do
        {
            var nameLength = NamedArgumentLength();
            if (nameLength > 0)
            {
                var name = string.Join(' ', Enumerable.Range(0, nameLength).Select(i => Peek(i).Text));
                _position += nameLength + 1;
                (named ??= []).Add(new(name, ParseExpression()));
            }
            else
            {
                if (named is not null)
                    throw Error("positional argument after named arguments");
                positional.Add(ParseExpression());
            }
        }
        while (Accept(","));
        Expect(")");
        return new CallNode(offset, callee, positional, named);
    }

    /// <summary>How many name tokens precede a ':' here (a named argument such as <c>start position: 2</c>), or 0.</summary>
    private int NamedArgumentLength()
    {
        var n = 0;
        while (Peek(n).Kind == TokenKind.Name)
            n++;
        return n > 0 && Peek(n).Is(":") ? n : 0;
    }

    private Node ParsePrimary()
    {
        var token = Current;
        switch (token.Kind)
        {
            case TokenKind.Number:
                _position++;
                return new LiteralNode(token.Offset, decimal.Parse(token.Text, NumberStyles.Float, CultureInfo.InvariantCulture));
            case TokenKind.String:
                _position++;
                return new LiteralNode(token.Offset, token.Text);
            case TokenKind.Name:
                return ParseName();
            case TokenKind.Temporal:
                _position++;
                return new LiteralNode(token.Offset, TemporalLiteral(token.Text) ?? throw Error($"@\"{token.Text}\" is no date, time, date and time or duration", token.Offset));
            case TokenKind.End:
                throw Error("unexpected end of expression");
        }
        if (Accept("("))
        {
            var inner = ParseExpression();
            if (Accept(".."))
                return FinishRange(token.Offset, inner, false);
            Expect(")");
            return inner;
        }
        if (Accept("["))
        {
            if (Accept("]"))
                return new ListNode(token.Offset, []);
            var first = ParseExpression();
            if (Accept(".."))
                return FinishRange(token.Offset, first, true);
            var items = new List<Node> { first };
            while (Accept(","))
                items.Add(ParseExpression());
            Expect("]");
            return new ListNode(token.Offset, items);
        }
        if (Accept("]"))
        {
            var start = ParseExpression();
            Expect("..");
            return FinishRange(token.Offset, start, false);
        }
        if (Accept("{"))
            return ParseContext(token.Offset);
        throw Error($"unexpected {token}");
    }

    private static object? TemporalLiteral(string text) =>
        text.StartsWith('P') || text.StartsWith("-P") ? Values.FeelIso.ParseDuration(text)
        : text.Contains('T') ? Values.FeelIso.ParseDateTime(text)
        : text.Contains(':') ? Values.FeelIso.ParseTime(text)
        : Values.FeelIso.ParseDate(text);

    private RangeNode FinishRange(int offset, Node start, bool startIncluded)
    {
        var end = ParseExpression();
        if (Accept("]"))
            return new RangeNode(offset, start, startIncluded, end, true);
        if (Accept(")") || Accept("["))
            return new RangeNode(offset, start, startIncluded, end, false);
        throw Error($"expected ']', ')' or '[' to close the range but found {Current}");
    }

    private ContextNode ParseContext(int offset)
    {
        var entries = new List<KeyValuePair<string, Node>>();
        if (Accept("}"))
            return new ContextNode(offset, entries);
        do
        {
            string key;
            var keyOffset = Current.Offset;
            if (Current.Kind == TokenKind.String)
                key = Next().Text;
            else if (Current.Kind == TokenKind.Name)
            {
                var words = new List<string>();
                while (Current.Kind == TokenKind.Name)
                    words.Add(Next().Text);
                key = string.Join(' ', words);
            }
            else
                throw Error($"expected a context key but found {Current}");
            if (entries.Any(e => e.Key == key))
                throw Error($"duplicate context key '{key}'", keyOffset);
            Expect(":");
            entries.Add(new(key, ParseExpression()));
        }
        while (Accept(","));
        Expect("}");
        return new ContextNode(offset, entries);
    }

    private Node ParseName()
    {
        var token = Current;
        switch (token.Text)
        {
            case "true": _position++; return new LiteralNode(token.Offset, true);
            case "false": _position++; return new LiteralNode(token.Offset, false);
            case "null": _position++; return new LiteralNode(token.Offset, null);
        }
        foreach (var words in _multiWordNames)
        {
            if (Peek(words.Length).Is("(") && MatchesWords(words))
            {
                _position += words.Length;
                return new NameNode(token.Offset, string.Join(' ', words));
            }
        }
        if (Keywords.Contains(token.Text))
            throw Error($"unexpected keyword '{token.Text}'");
        var name = ReadSpacedName();
        if (name == "partial")
            _partialMentions++;
        return new NameNode(token.Offset, name);
    }

    /// <summary>
    /// A name may hold spaces (<c>first name</c>): adjacent name tokens that are no keywords form one name,
    /// since two names side by side mean nothing else in FEEL.
    /// </summary>
    private string ReadSpacedName()
    {
        var name = Next().Text;
        while (Current.Kind == TokenKind.Name && !Keywords.Contains(Current.Text))
            name += " " + Next().Text;
        return name;
    }

    private bool MatchesWords(string[] words)
    {
        for (var i = 0; i < words.Length; i++)
            if (Peek(i).Kind != TokenKind.Name || Peek(i).Text != words[i])
                return false;
        return true;
    }
}
