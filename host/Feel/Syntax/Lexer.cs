using System.Globalization;
using System.Text;

namespace Switchboard.Feel.Syntax;

/// <summary>Splits a FEEL expression into tokens; skips whitespace and comments.</summary>
public static class Lexer
{
    private static readonly string[] Symbols = ["**", "..", "!=", "<=", ">=", "+", "-", "*", "/", "=", "<", ">", ".", ",", ":", "(", ")", "[", "]", "{", "}"];

    public static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (true)
        {
            i = SkipTrivia(text, i);
            if (i >= text.Length)
            {
                tokens.Add(new Token(TokenKind.End, "", text.Length));
                return tokens;
            }
            var c = text[i];
            if (char.IsAsciiDigit(c) || (c == '.' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1]) && !(tokens.Count > 0 && tokens[^1].Is("."))))
                i = ReadNumber(text, i, tokens);
            else if (c == '"')
                i = ReadString(text, i, tokens);
            else if (c == '@' && i + 1 < text.Length && text[i + 1] == '"')
            {
                i = ReadString(text, i + 1, tokens);
                tokens[^1] = tokens[^1] with { Kind = TokenKind.Temporal, Offset = tokens[^1].Offset - 1 };
            }
            else if (c == '`')
                i = ReadQuotedName(text, i, tokens);
            else if (IsNameStart(c))
            {
                var start = i;
                while (i < text.Length && IsNamePart(text[i]))
                    i++;
                tokens.Add(new Token(TokenKind.Name, text[start..i], start));
            }
            else
            {
                var symbol = Symbols.FirstOrDefault(s => string.CompareOrdinal(text, i, s, 0, s.Length) == 0)
                    ?? throw new FeelException($"unexpected character '{c}'", text, i);
                tokens.Add(new Token(TokenKind.Symbol, symbol, i));
                i += symbol.Length;
            }
        }
    }

    private static bool IsNameStart(char c) => char.IsLetter(c) || c is '_' or '$' or '?';

    private static bool IsNamePart(char c) => char.IsLetterOrDigit(c) || c is '_' or '$' or '?';

    private static int SkipTrivia(string text, int i)
    {
        while (i < text.Length)
        {
            if (char.IsWhiteSpace(text[i]))
                i++;
            else if (text[i] == '/' && i + 1 < text.Length && text[i + 1] == '/')
                while (i < text.Length && text[i] != '\n')
                    i++;
            else if (text[i] == '/' && i + 1 < text.Length && text[i + 1] == '*')
            {
                var end = text.IndexOf("*/", i + 2, StringComparison.Ordinal);
                if (end < 0)
                    throw new FeelException("unterminated comment", text, i);
                i = end + 2;
            }
            else
                break;
        }
        return i;
    }

    private static int ReadNumber(string text, int i, List<Token> tokens)
    {
        var start = i;
        while (i < text.Length && char.IsAsciiDigit(text[i]))
            i++;
        // "1..5" is a range, so a dot counts as a decimal point only when a digit follows.
        if (i + 1 < text.Length && text[i] == '.' && char.IsAsciiDigit(text[i + 1]))
        {
            i++;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
                i++;
        }
        if (i < text.Length && text[i] is 'e' or 'E')
        {
            var j = i + 1;
            if (j < text.Length && text[j] is '+' or '-')
                j++;
            if (j < text.Length && char.IsAsciiDigit(text[j]))
            {
                i = j;
                while (i < text.Length && char.IsAsciiDigit(text[i]))
                    i++;
            }
        }
        var literal = text[start..i];
        if (!decimal.TryParse(literal, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            throw new FeelException($"number {literal} is out of range", text, start);
        tokens.Add(new Token(TokenKind.Number, literal, start));
        return i;
    }

    private static int ReadString(string text, int i, List<Token> tokens)
    {
        var start = i++;
        var value = new StringBuilder();
        while (true)
        {
            if (i >= text.Length)
                throw new FeelException("unterminated string", text, start);
            var c = text[i++];
            if (c == '"')
                break;
            if (c != '\\')
            {
                value.Append(c);
                continue;
            }
            if (i >= text.Length)
                throw new FeelException("unterminated string", text, start);
            var e = text[i++];
            switch (e)
            {
                case 'n': value.Append('\n'); break;
                case 't': value.Append('\t'); break;
                case 'r': value.Append('\r'); break;
                case '"' or '\\' or '\'' or '/': value.Append(e); break;
                case 'u' when i + 4 <= text.Length && int.TryParse(text.AsSpan(i, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var code):
                    value.Append((char)code);
                    i += 4;
                    break;
                default:
                    throw new FeelException($"invalid escape '\\{e}' in string", text, i - 2);
            }
        }
        tokens.Add(new Token(TokenKind.String, value.ToString(), start));
        return i;
    }

    private static int ReadQuotedName(string text, int i, List<Token> tokens)
    {
        var end = text.IndexOf('`', i + 1);
        if (end < 0)
            throw new FeelException("unterminated `name`", text, i);
        tokens.Add(new Token(TokenKind.Name, text[(i + 1)..end], i));
        return end + 1;
    }
}
