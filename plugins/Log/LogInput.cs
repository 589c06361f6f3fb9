using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Switchboard.Plugins.Log;

/// <summary>What to log.</summary>
public sealed class LogInput
{
    /// <summary>The text to write.</summary>
    [Required, Description("The text to write to the log.")]
    [Switchboard.Abstractions.Parameter(Multiline = true)]
    public string Message { get; set; } = "";

    /// <summary>How severe the message is.</summary>
    [Description("Severity of the message.")]
    public LogLevel Level { get; set; } = LogLevel.Information;
}

/// <summary>Log levels as process authors write them; numbered like Microsoft.Extensions.Logging's.</summary>
public enum LogLevel
{
    Trace = 0,
    Debug = 1,
    Information = 2,
    Warning = 3,
    Error = 4,
    Critical = 5,
}
