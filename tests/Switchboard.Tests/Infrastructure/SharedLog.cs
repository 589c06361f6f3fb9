using System.Text;

namespace Switchboard.Tests.Infrastructure;

/// <summary>A log the host writes to while the test reads it: writes and reads share one lock, so a read never sees a
/// line half appended.</summary>
public sealed class SharedLog : TextWriter
{
    private readonly StringBuilder _text = new();

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        lock (_text)
            _text.Append(value);
    }

    public override void Write(string? value)
    {
        lock (_text)
            _text.Append(value);
    }

    public override void Write(char[] buffer, int index, int count)
    {
        lock (_text)
            _text.Append(buffer, index, count);
    }

    /// <summary>Everything written so far.</summary>
    public override string ToString()
    {
        lock (_text)
            return _text.ToString();
    }
}
