using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace SwitchboardConnector;

/// <summary>What the connector receives: property names in camelCase are the input's field names on every protocol.</summary>
public sealed class GreetInput
{
    /// <summary>Who to greet.</summary>
    [Required, StringLength(100), Description("Who to greet.")]
    public string Name { get; set; } = "";

    /// <summary>The greeting word.</summary>
    [Description("The greeting word.")]
    public string Greeting { get; set; } = "Hello";

    /// <summary>Whether to shout.</summary>
    [Description("Whether to write the greeting in capitals.")]
    public bool Shout { get; set; }
}
