namespace Switchboard.Feel.Connectors;

/// <summary>A FEEL task header such as <c>resultExpression</c>: the leading '=' is stripped and error columns count it.</summary>
internal static class HeaderExpression
{
    public static CompiledExpression? Compile(string header, string name, FeelEngine? engine, out string? error)
    {
        var skipped = header.StartsWith('=') ? 1 : 0;
        try
        {
            error = null;
            return (engine ?? FeelEngine.Default).Parse(header[skipped..]);
        }
        catch (FeelException e)
        {
            error = $"{name} is invalid: {new FeelException(e.Problem, header, e.Offset + skipped).Message}";
            return null;
        }
    }
}
