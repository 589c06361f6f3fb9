namespace Switchboard.Host.Hosting;

/// <summary>A setting the host cannot start with: printed as one line to the operator, exit code 2, no stack trace.</summary>
public sealed class StartupProblem(string message) : Exception(message);
