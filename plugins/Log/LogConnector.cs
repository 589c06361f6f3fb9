using Microsoft.Extensions.Logging;
using Switchboard.Abstractions;
using Switchboard.Abstractions.Spiff;

namespace Switchboard.Plugins.Log;

/// <summary>Writes a message from a process into the host's log: handy for tracing a workflow.</summary>
[Connector("io.switchboard:log:1",
    Name = "Log",
    Description = "Writes a message to the host's log.",
    Icon = "log.svg",
    Keywords = ["log", "trace", "debug", "message"])]
[SpiffCommand("log/Log")]
public sealed class LogConnector
{
    /// <summary>Logs the message at the requested level.</summary>
    [Operation]
    public LogOutput Log(LogInput input, IConnectorContext context)
    {
        // The template keeps the message a structured property; secrets of the call are masked by the host's logger.
        context.Logger.Log((Microsoft.Extensions.Logging.LogLevel)input.Level, "{ProcessMessage} (via {Protocol}, request {RequestId})",
            input.Message, context.Invocation.Protocol, context.Invocation.RequestId);
        return new LogOutput("ok");
    }
}
