using Microsoft.Extensions.Options;

namespace Switchboard.Host.Hosting;

/// <summary>A setting the host cannot start with: printed as one line to the operator, exit code 2, no stack trace.</summary>
public sealed class StartupProblem(string message) : Exception(message)
{
    /// <summary>The lines to print when <paramref name="exception"/> is a setting the host cannot start with (ours, or an
    /// option that failed validation at start, each naming its setting); null for anything else, which is a bug to show in full.</summary>
    public static IReadOnlyList<string>? Explain(Exception exception) => exception switch
    {
        StartupProblem problem => [problem.Message],
        OptionsValidationException invalid => invalid.Failures.ToList(),
        // Kestrel's own words name the address and the reason ("Failed to bind to address http://127.0.0.1:8080: address
        // already in use."): one line the operator acts on, not a stack.
        IOException { InnerException: Microsoft.AspNetCore.Connections.AddressInUseException } inUse => [inUse.Message + " Choose another with --urls."],
        AggregateException all when all.InnerExceptions.All(i => i is OptionsValidationException or StartupProblem) =>
            all.InnerExceptions.SelectMany(i => Explain(i)!).ToList(),
        _ => null,
    };
}
