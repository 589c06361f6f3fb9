using System.Text.Json.Nodes;
using Switchboard.Host.Protocols.Zeebe.Gateway;

namespace Switchboard.ZeebeTestGateway;

/// <summary>Where a test gateway job is in its life.</summary>
public enum JobState
{
    Activatable,
    Activated,
    Completed,
    Failed,
    Incident,
    ErrorThrown,
}

/// <summary>One job of the test gateway and everything the worker did to it.</summary>
public sealed class TestJob(long key, string type, string variables, string headers, int retries)
{
    private DateTime _availableAt = DateTime.UtcNow; // created: activatable from now
    private DateTime _deadline;

    public long Key { get; } = key;
    public string Type { get; } = type;
    public int Retries { get; private set; } = retries;
    public JobState State { get; private set; } = JobState.Activatable;
    public int Activations { get; private set; }

    /// <summary>Whether the last activation came through a job stream rather than a poll.</summary>
    public bool Streamed { get; set; }
    public int Completions { get; set; }
    public string? Worker { get; private set; }
    public JsonObject? CompletedVariables { get; private set; }
    public string? ErrorMessage { get; private set; }
    public string? ErrorCode { get; private set; }
    public TimeSpan? RetryBackoff { get; private set; }
    public JsonObject? FailVariables { get; private set; }
    public TimeSpan? ExtendedTimeout { get; private set; }

    /// <summary>When the job was created (a Stopwatch timestamp): creation to completion is the latency a process sees.</summary>
    public long CreatedAt { get; } = System.Diagnostics.Stopwatch.GetTimestamp();

    /// <summary>When the job was last handed out, and when a worker last reported on it (Stopwatch timestamps), for latency figures.</summary>
    public long ActivatedAt { get; private set; }

    /// <inheritdoc cref="ActivatedAt"/>
    public long FinishedAt { get; private set; }

    /// <summary>Whether ActivateJobs may hand the job out now: new, back after a retry backoff, or timed out with its worker.</summary>
    public bool ActivatableAt(DateTime now) =>
        (State == JobState.Activatable && now >= _availableAt) || (State == JobState.Activated && now >= _deadline);

    /// <summary>When the job last became activatable: created, its retry backoff over, or its activation timed out.</summary>
    /// <remarks>Only job streams open at that moment are offered it: the broker pushes a job when it becomes
    /// activatable, never one that was already waiting when a stream opened.</remarks>
    internal DateTime ActivatableSince => State == JobState.Activated ? _deadline : _availableAt;

    /// <summary>Whether the job's current activatable spell was offered to the job streams already (pushed, or given
    /// back because no stream was ready): from then on only polls hand it out, as with the broker's backlog.</summary>
    internal bool Offered { get; set; }

    public void Activate(string worker, DateTime deadline)
    {
        State = JobState.Activated;
        Worker = worker;
        _deadline = deadline;
        Activations++;
        Streamed = false;
        Offered = false; // its next spell, should this activation time out, is offered afresh
        ActivatedAt = System.Diagnostics.Stopwatch.GetTimestamp();
    }

    // Zeebe takes variables nested up to 1000 levels (its JSON reader's limit), far past System.Text.Json's default of 64.
    private static readonly System.Text.Json.JsonDocumentOptions Deep = new() { MaxDepth = 1000 };

    public ActivatedJob ToActivated(IReadOnlyCollection<string> fetch)
    {
        JsonObject? all;
        try
        {
            all = JsonNode.Parse(variables, documentOptions: Deep) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            all = null;
        }
        // fetchVariable limits what travels, as the real gateway does; empty means all. Variables a test makes no object
        // of (a list, a document deeper than the gateway reads) travel as written, to see what a worker makes of them.
        var sent = all is null ? variables
            : (fetch.Count == 0 ? all : new JsonObject(all.Where(p => fetch.Contains(p.Key)).Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone())))).ToJsonString();
        return new ActivatedJob
        {
            Key = Key, Type = Type, ProcessInstanceKey = Key + 1000, BpmnProcessId = "test-process", ProcessDefinitionVersion = 1,
            ProcessDefinitionKey = 4503599627370497, ElementId = "task", ElementInstanceKey = Key + 2000, CustomHeaders = headers,
            Worker = Worker, Retries = Retries, Deadline = new DateTimeOffset(_deadline).ToUnixTimeMilliseconds(), Variables = sent,
            TenantId = "<default>",
        };
    }

    public void Complete(string completion)
    {
        State = JobState.Completed;
        FinishedAt = System.Diagnostics.Stopwatch.GetTimestamp();
        CompletedVariables = JsonNode.Parse(string.IsNullOrEmpty(completion) ? "{}" : completion)!.AsObject();
    }

    public void Fail(int retries, string message, TimeSpan backoff, string failVariables)
    {
        Retries = retries;
        ErrorMessage = message;
        RetryBackoff = backoff;
        FailVariables = string.IsNullOrEmpty(failVariables) ? null : JsonNode.Parse(failVariables)!.AsObject();
        State = retries > 0 ? JobState.Failed : JobState.Incident;
        _availableAt = DateTime.UtcNow + backoff;
    }

    /// <summary>Puts a failed job with retries back in line after its backoff; a test calls this to watch the retry run.</summary>
    public void Retry()
    {
        if (State != JobState.Failed)
            return;
        State = JobState.Activatable;
        Offered = false;
    }

    /// <summary>A push that did not reach the worker's stream: the job waits for a poll, as a yielded job does.</summary>
    internal void Yield()
    {
        State = JobState.Activatable;
        Streamed = false;
        Offered = true;
        _availableAt = DateTime.UtcNow;
    }

    public void Throw(string code, string message)
    {
        State = JobState.ErrorThrown;
        ErrorCode = code;
        ErrorMessage = message;
    }

    public void ExtendTo(DateTime deadline, TimeSpan timeout)
    {
        _deadline = deadline;
        ExtendedTimeout = timeout;
    }
}
