using System.Xml;

namespace Switchboard.Host.Protocols;

/// <summary>An ISO 8601 duration as BPMN properties, job headers and configuration write it (<c>PT30S</c>, <c>P1D</c>).</summary>
internal static class IsoDuration
{
    /// <summary>Reads <paramref name="text"/>, or says what is wrong with it: not a duration, negative, or longer than
    /// a duration can be here (<c>P99999999D</c> is well-formed, and past what a <see cref="TimeSpan"/> holds). The
    /// problem names neither the field nor the value; the caller does.</summary>
    public static TimeSpan? Read(string text, out string? problem)
    {
        problem = null;
        try
        {
            var duration = XmlConvert.ToTimeSpan(text);
            if (duration >= TimeSpan.Zero)
                return duration;
            problem = "is negative";
        }
        catch (FormatException)
        {
            problem = "is not an ISO 8601 duration such as PT30S";
        }
        catch (OverflowException)
        {
            problem = $"is longer than the longest duration, about {TimeSpan.MaxValue.Days} days";
        }
        return null;
    }
}
