using System.Globalization;
using Switchboard.Abstractions;
using Switchboard.Abstractions.Spiff;
using Switchboard.Abstractions.Zeebe;

namespace Switchboard.Core.Invoking;

/// <summary>What a connector reads as <c>context.Invocation</c> about its call: one rule for the host's pipeline and
/// the author kit, so a connector reads the same in both.</summary>
internal static class CallDescription
{
    /// <summary>The call's description from what its adapter handed over.</summary>
    /// <param name="protocol">The protocol the call arrived on.</param>
    /// <param name="connectorType">The connector's own type.</param>
    /// <param name="operation">The operation's id as the connector declares it.</param>
    /// <param name="requestId">The caller's id for the call (a CSP request's id, a Spiff task's id, a Zeebe job's key).</param>
    /// <param name="processInstanceId">The process instance the call belongs to, where the protocol has one.</param>
    /// <param name="features">The protocol's details (a <see cref="ZeebeJob"/>, a <see cref="SpiffTask"/>).</param>
    public static InvocationInfo Of(Protocol protocol, string connectorType, string operation, string? requestId, string? processInstanceId,
        IReadOnlyList<object> features)
    {
        var job = Find<ZeebeJob>(features);
        return new InvocationInfo
        {
            Protocol = protocol,
            ConnectorType = connectorType,
            Operation = operation,
            RequestId = requestId,
            ProcessInstanceId = processInstanceId,
#pragma warning disable CS0618 // still filled for connectors built against 1.0, which read them here instead of from the features
            JobKey = job?.Key,
            Retries = job?.Retries,
            TaskData = Find<SpiffTask>(features)?.TaskData,
#pragma warning restore CS0618
        };
    }

    /// <summary>The protocol and ids an adapter gives a call carrying <paramref name="features"/>: a Zeebe job's key and
    /// process instance, a Spiff task's id and process instance (each null where the task has none, as the Spiff adapter
    /// passes on what SpiffArena sent); otherwise an in-process call with a fresh id.</summary>
    public static (Protocol Protocol, string? RequestId, string? ProcessInstanceId) FromFeatures(IReadOnlyList<object> features) =>
        Find<ZeebeJob>(features) is { } job
            ? (Protocol.Zeebe, job.Key.ToString(CultureInfo.InvariantCulture), job.ProcessInstanceKey.ToString(CultureInfo.InvariantCulture))
            : Find<SpiffTask>(features) is { } task
                ? (Protocol.Spiff, task.TaskId, task.ProcessInstanceId)
                : (Protocol.InProcess, Guid.NewGuid().ToString("N"), null);

    // Features are few: an indexed loop, no LINQ on the call path.
    private static T? Find<T>(IReadOnlyList<object> features) where T : class
    {
        for (var i = 0; i < features.Count; i++)
        {
            if (features[i] is T found)
                return found;
        }
        return null;
    }
}
