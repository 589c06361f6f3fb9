using Microsoft.Extensions.Logging;
using Switchboard.Abstractions;
using Switchboard.Abstractions.Spiff;

namespace SwitchboardConnector;

/// <summary>Greets someone: replace the operation's body with your connector's work.</summary>
/// <remarks>
/// The type is the Zeebe job type and the CSP method; keep it stable once processes use it, and raise its
/// last number (and <see cref="ConnectorAttribute.Version"/>) when the input or output changes incompatibly.
/// </remarks>
[Connector("switchboard-connector-id:greet:1",
    Name = "SwitchboardConnector",
    Description = "Greets someone by name.")]
[SpiffCommand("switchboard-connector-id/Greet")]
public sealed class GreetConnector
{
    /// <summary>Builds the greeting.</summary>
    [Operation]
    public GreetOutput Greet(GreetInput input, IConnectorContext context)
    {
        if (string.Equals(input.Name, "nobody", StringComparison.OrdinalIgnoreCase))
            // An input error: the same input can never succeed, so no protocol retries it.
            throw new ConnectorInputException("NobodyToGreet", "there is nobody to greet") { Field = "name" };
        context.Logger.LogInformation("Greeting {Name}", input.Name);
        var text = $"{input.Greeting}, {input.Name}!";
        return new GreetOutput(input.Shout ? text.ToUpperInvariant() : text);
    }
}
