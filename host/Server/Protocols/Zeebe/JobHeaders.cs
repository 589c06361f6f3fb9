using System.Text.Json;

namespace Switchboard.Host.Protocols.Zeebe;

/// <summary>The task headers the connector runtime reads from a job's <c>customHeaders</c>.</summary>
internal sealed record JobHeaders(string? ResultVariable, string? Operation, TimeSpan? RetryBackoff, TimeSpan? JobTimeout,
    string? ResultExpression = null, string? ErrorExpression = null)
{
    /// <summary>Reads the headers; the problem, naming the header, when one is malformed.</summary>
    public static (JobHeaders? Headers, string? Problem) Parse(string customHeaders)
    {
        Dictionary<string, string?> values;
        try
        {
            values = string.IsNullOrWhiteSpace(customHeaders)
                ? []
                : JsonSerializer.Deserialize<Dictionary<string, string?>>(customHeaders) ?? [];
        }
        catch (JsonException)
        {
            return (null, "the job's custom headers are not a JSON object of strings");
        }
        var (backoff, backoffProblem) = Duration(values, "retryBackoff");
        var (timeout, timeoutProblem) = Duration(values, "jobTimeout");
        if ((backoffProblem ?? timeoutProblem) is { } problem)
            return (null, problem);
        return (new JobHeaders(Text(values, "resultVariable"), Text(values, "operation"), backoff, timeout,
            Text(values, "resultExpression"), Text(values, "errorExpression")), null);
    }

    private static string? Text(Dictionary<string, string?> values, string name) =>
        values.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    private static (TimeSpan?, string?) Duration(Dictionary<string, string?> values, string name)
    {
        if (Text(values, name) is not { } text)
            return (null, null);
        if (IsoDuration.Read(text, out var problem) is not { } duration)
            return (null, $"header {name} '{text}' {problem}");
        // A job's timeout becomes its local deadline and timer, which go no further (a larger one could not even be
        // added to the clock, and the job was never reported).
        if (name == "jobTimeout" && duration > Core.Describing.LongestWait.Value)
            return (null, $"header {name} '{text}' is longer than {Core.Describing.LongestWait.Text}, the longest wait a timer takes");
        // Sent as the job's new timeout (whole milliseconds from now), a zero one expired the job at once: the gateway
        // handed it out again while the connector ran, and a POST went out two to four times for one job.
        if (name == "jobTimeout" && duration < ZeebeOptions.ShortestJobTimeout)
            return (null, $"header {name} '{text}' is shorter than 1 s: the job would be handed out again while its connector runs");
        return (duration, null);
    }
}
