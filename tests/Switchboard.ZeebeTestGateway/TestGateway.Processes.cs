using System.Text.Json.Nodes;
using Grpc.Core;
using Switchboard.Host.Protocols.Zeebe.Gateway;

namespace Switchboard.ZeebeTestGateway;

/// <summary>A message published to the gateway, as it kept it.</summary>
public sealed record PublishedMessage(string Name, string CorrelationKey, string MessageId, TimeSpan TimeToLive, JsonObject Variables, DateTime PublishedAt);

/// <summary>A deployed process definition: one version of one process, with its BPMN.</summary>
public sealed record DeployedDefinition(long Key, string BpmnProcessId, int Version, string Xml, bool IsLatest);

/// <summary>A process instance the gateway created.</summary>
public sealed record CreatedInstance(long Key, string BpmnProcessId, int Version, JsonObject Variables);

/// <summary>What inbound correlation needs from the gateway, with the real broker's answers: a message is kept for its
/// time to live and a second one with the same id inside it is ALREADY_EXISTS; a process instance is created only of a
/// deployed process (else NOT_FOUND).</summary>
public sealed partial class TestGateway
{
    private readonly List<PublishedMessage> _messages = [];
    private readonly List<CreatedInstance> _instances = [];
    private readonly HashSet<string> _processes = new(StringComparer.Ordinal);
    // Message ids kept until their message expires: a duplicate check in constant time, as a benchmark publishes many.
    private readonly Dictionary<(string Name, string Id), DateTime> _messageIds = [];
    private int _publishAnswersToLose;
    private int _refusedRepeats;

    /// <summary>Makes <paramref name="bpmnProcessId"/> a deployed process that instances can be created of.</summary>
    public void Deploy(string bpmnProcessId)
    {
        lock (_lock)
            _processes.Add(bpmnProcessId);
    }

    private readonly List<DeployedDefinition> _definitions = [];

    /// <summary>Deploys <paramref name="xml"/> as the next version of <paramref name="bpmnProcessId"/>.</summary>
    public DeployedDefinition DeployBpmn(string bpmnProcessId, string xml)
    {
        lock (_lock)
        {
            var version = _definitions.Count(d => d.BpmnProcessId == bpmnProcessId) + 1;
            for (var i = 0; i < _definitions.Count; i++)
                if (_definitions[i].BpmnProcessId == bpmnProcessId)
                    _definitions[i] = _definitions[i] with { IsLatest = false };
            var definition = new DeployedDefinition(_nextKey++, bpmnProcessId, version, xml, IsLatest: true);
            _definitions.Add(definition);
            _processes.Add(bpmnProcessId);
            return definition;
        }
    }

    /// <summary>Hostile: the process definition search never runs out of pages, each full of definitions not seen before
    /// (their BPMN is not found), as a broken or hostile REST API might answer. How many pages were asked for so far is
    /// <see cref="SearchPagesServed"/>.</summary>
    public bool SearchNeverEnds { get; set; }

    private int _searchPages;

    /// <summary>How many pages of the process definition search were answered.</summary>
    public int SearchPagesServed => Volatile.Read(ref _searchPages);

    internal void SearchPageServed() => Interlocked.Increment(ref _searchPages);

    /// <summary>Every deployed definition, every version.</summary>
    public IReadOnlyList<DeployedDefinition> Definitions
    {
        get { lock (_lock) return [.. _definitions]; }
    }

    /// <summary>Every message published, oldest first.</summary>
    public IReadOnlyList<PublishedMessage> Messages
    {
        get { lock (_lock) return [.. _messages]; }
    }

    /// <summary>Every process instance created, oldest first.</summary>
    public IReadOnlyList<CreatedInstance> Instances
    {
        get { lock (_lock) return [.. _instances]; }
    }

    /// <summary>The next publish is kept but answered UNAVAILABLE, as when the gateway goes down after the broker took
    /// the message and before its answer reached the client: the client cannot tell it from a publish that was lost.</summary>
    public void LoseNextPublishAnswer()
    {
        lock (_lock)
            _publishAnswersToLose++;
    }

    /// <summary>While set, publishes are answered UNAVAILABLE and not kept, as by a gateway that is away (a publish
    /// whose answer <see cref="LoseNextPublishAnswer"/> is to lose still goes through first).</summary>
    public bool RefusePublishes
    {
        get { lock (_lock) return _refusePublishes; }
        set { lock (_lock) _refusePublishes = value; }
    }

    private bool _refusePublishes;
    private int _refusedPublishes;

    /// <summary>How many publishes <see cref="RefusePublishes"/> turned away.</summary>
    public int RefusedPublishes
    {
        get { lock (_lock) return _refusedPublishes; }
    }

    /// <summary>How many publishes were refused as repeats of a message id still within its time to live.</summary>
    public int RefusedRepeats
    {
        get { lock (_lock) return _refusedRepeats; }
    }

    /// <summary>While set, publishes are taken and never answered, as by a gateway whose broker is stuck.</summary>
    public bool HangPublishes { get; set; }

    private int _hungPublishes;

    /// <summary>How many publishes <see cref="HangPublishes"/> took and left unanswered so far.</summary>
    public int HungPublishes => Volatile.Read(ref _hungPublishes);

    private async Task<PublishMessageResponse> HangPublishAsync(ServerCallContext context)
    {
        Interlocked.Increment(ref _hungPublishes);
        await Task.Delay(Timeout.Infinite, context.CancellationToken);
        throw new RpcException(new Status(StatusCode.Cancelled, "cancelled"));
    }

    /// <summary>While set, a publish is kept (the broker took it) and its answer held until <see cref="ReleaseHeldPublishes"/>
    /// is called or the client gives up on the call, as by a broker slow to answer.</summary>
    public bool HoldPublishAnswers { get; set; }

    private readonly TaskCompletionSource _releaseHeld = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _heldPublishes, _abandonedHeldPublishes;

    /// <summary>How many publishes <see cref="HoldPublishAnswers"/> kept with their answer held.</summary>
    public int HeldPublishes => Volatile.Read(ref _heldPublishes);

    /// <summary>How many held publishes the client gave up on (cancelled) before their answer was released.</summary>
    public int AbandonedHeldPublishes => Volatile.Read(ref _abandonedHeldPublishes);

    /// <summary>Answers every held publish (and any held later).</summary>
    public void ReleaseHeldPublishes() => _releaseHeld.TrySetResult();

    private async Task<PublishMessageResponse> HoldAnswerAsync(PublishMessageResponse response, ServerCallContext context)
    {
        Interlocked.Increment(ref _heldPublishes);
        try
        {
            await _releaseHeld.Task.WaitAsync(context.CancellationToken);
        }
        catch (OperationCanceledException)
        {
            Interlocked.Increment(ref _abandonedHeldPublishes);
            throw;
        }
        return response;
    }

    public override Task<PublishMessageResponse> PublishMessage(PublishMessageRequest request, ServerCallContext context)
    {
        Authorize(context);
        var hold = HoldPublishAnswers;
        if (HangPublishes)
            return HangPublishAsync(context);
        if (string.IsNullOrEmpty(request.Name))
            throw new RpcException(new Status(StatusCode.InvalidArgument, "Expected to publish a message with a name, but the name is empty"));
        var variables = Variables(request.Variables);
        lock (_lock)
        {
            if (_refusePublishes && _publishAnswersToLose == 0)
            {
                _refusedPublishes++;
                throw new RpcException(new Status(StatusCode.Unavailable, "the gateway is away"));
            }
            var now = DateTime.UtcNow;
            var ttl = TimeSpan.FromMilliseconds(request.TimeToLive);
            if (request.MessageId.Length > 0)
            {
                if (_messageIds.TryGetValue((request.Name, request.MessageId), out var expires) && expires > now)
                {
                    _refusedRepeats++;
                    throw new RpcException(new Status(StatusCode.AlreadyExists,
                        $"Expected to publish a new message with id '{request.MessageId}', but a message with that id was already published"));
                }
                _messageIds[(request.Name, request.MessageId)] = now + ttl;
            }
            _messages.Add(new PublishedMessage(request.Name, request.CorrelationKey, request.MessageId, ttl, variables, now));
            Pulse();
            if (_publishAnswersToLose > 0)
            {
                _publishAnswersToLose--;
                throw new RpcException(new Status(StatusCode.Unavailable, "the gateway went away before it answered"));
            }
            var response = new PublishMessageResponse { Key = _nextKey++ };
            return hold ? HoldAnswerAsync(response, context) : Task.FromResult(response);
        }
    }

    public override Task<CreateProcessInstanceResponse> CreateProcessInstance(CreateProcessInstanceRequest request, ServerCallContext context)
    {
        Authorize(context);
        var variables = Variables(request.Variables);
        lock (_lock)
        {
            if (!_processes.Contains(request.BpmnProcessId))
                throw new RpcException(new Status(StatusCode.NotFound,
                    $"Expected to find process definition with process ID '{request.BpmnProcessId}', but none found"));
            var instance = new CreatedInstance(_nextKey++, request.BpmnProcessId, 1, variables);
            _instances.Add(instance);
            Pulse();
            return Task.FromResult(new CreateProcessInstanceResponse { BpmnProcessId = instance.BpmnProcessId, Version = 1, ProcessInstanceKey = instance.Key, ProcessDefinitionKey = 4503599627370497 });
        }
    }

    private static JsonObject Variables(string text)
    {
        if (string.IsNullOrEmpty(text))
            return [];
        try
        {
            return JsonNode.Parse(text) as JsonObject
                ?? throw new RpcException(new Status(StatusCode.InvalidArgument, "Expected variables to be a JSON object"));
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "Expected variables to be valid JSON: " + e.Message));
        }
    }
}
