using Switchboard.Core.Outcomes;
using System.Globalization;
using Switchboard.Host.Protocols;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchboard.Abstractions.Documents;
using Switchboard.Abstractions.Inbound;
using Switchboard.Core;
using Switchboard.Core.Metadata;

namespace Switchboard.Host.Isolation;

/// <summary>One plugin running in a worker process of its own: a crash, a stack overflow or <c>Environment.FailFast</c>
/// in the plugin ends the worker, not the host.</summary>
/// <remarks>
/// The host listens on a Unix domain socket of its own and starts the worker (<c>Switchboard.Worker</c>) with the plugin
/// folder and the socket's path; the worker loads the plugin as the host would and connects. Calls are multiplexed on
/// the one connection by id. When the worker ends, every call still waiting is answered at once with the retryable
/// <c>PluginCrashed</c> error (never left to its timeout), and <see cref="Exited"/> completes with the reason.
/// </remarks>
internal sealed class WorkerProcess : IAsyncDisposable
{
    private readonly ConcurrentDictionary<long, TaskCompletionSource<JsonObject?>> _waiting = new();
    // The document store of each call in the worker that has one, while the call runs.
    private readonly ConcurrentDictionary<long, IDocumentStore> _documentStores = new();
    // The subscription each running subscribe request serves, for the events and health its worker sends.
    private readonly ConcurrentDictionary<long, IWorkerSubscriber> _subscribers = new();
    private readonly TaskCompletionSource<string> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Process _process;
    private readonly Socket _listener;
    private readonly string _socketPath;
    private readonly string _plugin;
    private readonly ILogger _logger;
    private Stream? _connection;
    private FrameWriter? _writer;
    private long _nextId;
    // Reading the worker's standard output and error, until both end.
    private Task _output = Task.CompletedTask;
    private volatile string? _lastLine;
    private volatile string? _killReason;
    private volatile bool _disposing;

    private WorkerProcess(Process process, Socket listener, string socketPath, string plugin, ILogger logger)
    {
        _process = process;
        _listener = listener;
        _socketPath = socketPath;
        _plugin = plugin;
        _logger = logger;
    }

    /// <summary>Completes with why the worker ended (its exit code, or the connection's failure).</summary>
    public Task<string> Exited => _exited.Task;

    /// <summary>The worker's process id.</summary>
    public int ProcessId => _process.Id;

    /// <summary>Its id, memory and processor time now; null once it has ended.</summary>
    public Catalog.WorkerStatus? Status()
    {
        try
        {
            _process.Refresh();
            return _process.HasExited ? null : new Catalog.WorkerStatus(_process.Id, _process.WorkingSet64, Math.Round(_process.TotalProcessorTime.TotalSeconds, 3));
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>The environment variable that hands the worker its settings: one JSON object of keys and values.</summary>
    public const string SettingsVariable = "SWITCHBOARD_WORKER_SETTINGS";

    /// <summary>Starts a worker for plugin <paramref name="plugin"/> in <paramref name="pluginsDirectory"/> and waits until it has
    /// loaded the plugin and connected, within <paramref name="startTimeout"/>.</summary>
    /// <param name="workerAssembly">The worker's entry assembly (<c>Switchboard.Worker.dll</c>), run with the same <c>dotnet</c>.</param>
    /// <param name="settings">Configuration the worker gets (<c>Plugins:&lt;Name&gt;:...</c>, catalog timeouts), by key, in its
    /// environment (<see cref="SettingsVariable"/>): a command line is readable by every user of the machine, and a
    /// plugin's settings hold its secrets.</param>
    public static async Task<WorkerProcess> StartAsync(string workerAssembly, string pluginsDirectory, string plugin, IEnumerable<KeyValuePair<string, string>> settings,
        TimeSpan startTimeout, ILogger logger, TimeSpan? hungGrace = null)
    {
        var socketPath = Path.Combine(Path.GetTempPath(), $"switchboard-{Environment.ProcessId}-{Guid.NewGuid():N}.sock");
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(socketPath));
        listener.Listen(1);
        var start = new ProcessStartInfo(Environment.ProcessPath ?? "dotnet")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            // Closed at once below: plugin code reading the console in a worker reads nothing, as it has no input of its
            // own, instead of the host's terminal or the pipe feeding the host.
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        // Under `dotnet test` or `dotnet run` the current process is dotnet itself; a published host runs its own apphost.
        if (Path.GetFileNameWithoutExtension(start.FileName) != "dotnet")
            start.FileName = "dotnet";
        start.ArgumentList.Add(workerAssembly);
        foreach (var argument in new[] { "--plugins", pluginsDirectory, "--plugin", plugin, "--socket", socketPath })
            start.ArgumentList.Add(argument);
        WorkerEnvironment.Keep(start.Environment);
        start.Environment[SettingsVariable] = System.Text.Json.JsonSerializer.Serialize(settings.ToDictionary(s => s.Key, s => s.Value));
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var worker = new WorkerProcess(process, listener, socketPath, plugin, logger) { HungGrace = hungGrace ?? TimeSpan.FromSeconds(10) };
        process.Exited += (_, _) => worker.Ended($"exit code {SafeExitCode(process)}");
        process.Start();
        process.StandardInput.Close();
        worker._output = Task.WhenAll(
            WorkerOutput.PumpAsync(process.StandardError, worker.Relay),
            WorkerOutput.PumpAsync(process.StandardOutput, worker.RelayText));

        using var timeout = new CancellationTokenSource(startTimeout);
        try
        {
            var accepting = worker.AcceptAsync(timeout.Token);
            if (await Task.WhenAny(accepting, worker.Exited) != accepting)
            {
                // Its last words (why the plugin did not load) are read to the end before they are quoted.
                await process.WaitForExitAsync(timeout.Token);
                await worker._output.WaitAsync(timeout.Token);
                throw new IOException($"the worker for plugin {plugin} ended before it connected ({await worker.Exited}): {worker._lastLine ?? "it said nothing"}");
            }
            var accepted = await accepting;
            // Connected: nothing else is to connect, and a host killed later leaves no socket file behind.
            listener.Dispose();
            File.Delete(socketPath);
            worker._connection = new NetworkStream(accepted, ownsSocket: true);
            worker._writer = new FrameWriter(worker._connection);
        }
        catch
        {
            await worker.DisposeAsync();
            throw;
        }
        _ = worker.ReadAsync();
        return worker;
    }

    /// <summary>Accepts the worker's connection, refusing any other process's: the socket is a file every process of the
    /// host's user can reach, the plugin code in other workers included, and a connection taken for this worker's would
    /// receive its calls.</summary>
    private async Task<Socket> AcceptAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var accepted = await _listener.AcceptAsync(cancellationToken);
            var peer = PeerCredentials.ProcessId(accepted);
            if (peer is null || peer == SafeId())
                return accepted;
            _logger.LogWarning("Worker socket of plugin {Plugin}: refused a connection from process {PeerProcessId}, which is not its worker {ProcessId}",
                _plugin, peer, SafeId());
            accepted.Dispose();
        }
    }

    /// <summary>The metadata of the outbound and inbound connectors the worker loaded.</summary>
    public async Task<(IReadOnlyList<ConnectorMetadata> Connectors, IReadOnlyList<InboundConnectorMetadata> Inbound)> DescribeAsync(CancellationToken cancellationToken)
    {
        var answer = await RequestAsync("describe", null, cancellationToken);
        if (answer is null)
            return ([], []);
        return (WorkerMetadata.Read(answer["connectors"]!.AsArray()),
            answer["inbound"] is JsonArray inbound ? WorkerMetadata.ReadInbound(inbound) : throw new InvalidDataException("its description has no list of inbound connectors"));
    }

    /// <summary>Runs one call in the worker: its outcome, or <c>PluginCrashed</c> if the worker ends first. When the
    /// caller stops waiting (its timeout, or it was cancelled) the worker is told, so the connector sees its cancellation.</summary>
    public async Task<Outcome> InvokeAsync(Invocation.Invocation invocation, CancellationToken cancellationToken)
    {
        JsonObject? answer;
        try
        {
            answer = await RequestAsync("invoke", invocation, cancellationToken);
        }
        catch (FrameTooLargeException e)
        {
            return Outcome.Failure(TooLarge(e));
        }
        if (answer is null)
            return OutcomeJson.Crashed(_plugin, await Exited);
        if (OutcomeJson.TryRead(answer["outcome"], out var outcome, out var problem))
            return outcome;
        Broken("it answered a call with an outcome the host could not read: " + problem);
        return OutcomeJson.Crashed(_plugin, await Exited);
    }

    /// <summary>Binds and validates a call's input in the worker without running it: the error the call would fail with
    /// before it starts, or null; <c>PluginCrashed</c> if the worker ends first.</summary>
    public async Task<InvocationError?> ValidateAsync(Invocation.Invocation invocation, CancellationToken cancellationToken)
    {
        JsonObject? answer;
        try
        {
            answer = await RequestAsync("validate", invocation, cancellationToken);
        }
        catch (FrameTooLargeException e)
        {
            return TooLarge(e);
        }
        if (answer is null)
            return OutcomeJson.Crashed(_plugin, await Exited).Error;
        if (answer["outcome"] is null)
            return null;
        if (OutcomeJson.TryRead(answer["outcome"], out var outcome, out var problem))
            return outcome.Error;
        Broken("it answered a call with an outcome the host could not read: " + problem);
        return OutcomeJson.Crashed(_plugin, await Exited).Error;
    }

    // The request is written straight from the invocation: its input is not copied into a message first.
    private static void WriteRequest(Utf8JsonWriter json, Invocation.Invocation? request)
    {
        if (request is { } invocation)
        {
            json.WriteString("type", invocation.ConnectorType);
            json.WriteString("operation", invocation.Operation);
            json.WritePropertyName("input");
            if (invocation.InputElement is { } element)
                element.WriteTo(json);
            else
                json.WriteNodeOrNull(invocation.Input);
            json.WriteString("protocol", invocation.Protocol.ToString());
            json.WriteString("requestId", invocation.RequestId);
            json.WriteString("processInstanceId", invocation.ProcessInstanceId);
            json.WriteStartArray("secrets");
            foreach (var secret in invocation.KnownSecrets)
                json.WriteStringValue(secret);
            json.WriteEndArray();
            if (invocation.Timeout is { } timeout)
                json.WriteNumber("timeoutMs", (long)timeout.TotalMilliseconds);
            if (invocation.Features.Count > 0)
            {
                json.WritePropertyName("features");
                WorkerFeatures.Write(invocation.Features).WriteTo(json);
            }
        }
    }

    // A call too large to send: nothing of it went out, and it fails as the worker would have refused to read it.
    private static InvocationError TooLarge(FrameTooLargeException e) => new(ErrorKind.InvalidInput, "InputTooLarge",
        $"the call is {e.Bytes} bytes; a plugin in a worker process (Isolation=process) takes at most {FrameTooLargeException.Limit}", Retryable: false);

    // Null when the worker ended before answering.
    private async Task<JsonObject?> RequestAsync(string kind, Invocation.Invocation? invocation, CancellationToken cancellationToken)
    {
        var id = Interlocked.Increment(ref _nextId);
        var callId = id;
        var answer = new TaskCompletionSource<JsonObject?>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting[id] = answer;
        if (kind == "invoke" && invocation?.Feature<IDocumentStore>() is { } documents)
            _documentStores[id] = documents;
        try
        {
            // Registered first: a worker that ends from here on answers it null (see Ended).
            if (Exited.IsCompleted)
                return null;
            try
            {
                await _writer!.WriteAsync(id, kind, invocation, WriteRequest, cancellationToken);
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or System.Net.Sockets.SocketException)
            {
                return null;
            }
            try
            {
                return await answer.Task.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // The caller stopped waiting (its timeout, or it was cancelled): the worker cancels the call and answers
                // it; one that stays silent past the grace is hung, and is killed so that it restarts.
                _ = CancelAsync(id);
                _ = WatchAsync(id, answer.Task);
                id = 0;
                throw;
            }
        }
        finally
        {
            if (id != 0)
                _waiting.TryRemove(id, out _);
            _documentStores.TryRemove(callId, out _);
        }
    }

    /// <summary>Sends a request of <paramref name="kind"/> (its other members written by <paramref name="write"/>) and hands
    /// back the worker's answer, null when the worker ended first (cancelled when <paramref name="cancellationToken"/> was
    /// before it was sent, <see cref="FrameTooLargeException"/> when it is too large to send), however long the
    /// answer takes: for an inbound connector's run, whose answer comes once its code has ended. When
    /// <paramref name="cancellationToken"/> is cancelled first the worker is told (<c>cancel</c>), and one that stays
    /// silent <see cref="HungGrace"/> after that is killed as hung, as for a call. <paramref name="subscriber"/> takes the
    /// events and health a subscription sends while it runs.</summary>
    internal Task<JsonObject?> Begin<TState>(string kind, TState state, Action<Utf8JsonWriter, TState> write, CancellationToken cancellationToken,
        IWorkerSubscriber? subscriber = null)
    {
        var id = Interlocked.Increment(ref _nextId);
        var answer = new TaskCompletionSource<JsonObject?>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting[id] = answer;
        if (subscriber is not null)
            _subscribers[id] = subscriber;
        _ = SendAsync(id, kind, state, write, answer, cancellationToken);
        return answer.Task;
    }

    private async Task SendAsync<TState>(long id, string kind, TState state, Action<Utf8JsonWriter, TState> write, TaskCompletionSource<JsonObject?> answer,
        CancellationToken cancellationToken)
    {
        try
        {
            // Registered first: a worker that ends from here on answers it null (see Ended).
            if (Exited.IsCompleted)
                return;
            if (cancellationToken.IsCancellationRequested)
            {
                answer.TrySetCanceled(cancellationToken);
                return;
            }
            try
            {
                await _writer!.WriteAsync(id, kind, state, write, CancellationToken.None);
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException)
            {
                return;
            }
            catch (FrameTooLargeException e)
            {
                // Nothing of it went out; the caller says so in its protocol's words.
                answer.TrySetException(e);
                return;
            }
            using (cancellationToken.UnsafeRegister(static (state, token) =>
                   {
                       var (worker, id, answer) = ((WorkerProcess, long, Task<JsonObject?>))state!;
                       _ = worker.CancelAsync(id);
                       _ = worker.WatchAsync(id, answer);
                   }, (this, id, answer.Task)))
                // The worker's end too: a worker killed as hung no longer holds this request among those it answers.
                await Task.WhenAny(answer.Task, Exited);
        }
        finally
        {
            _subscribers.TryRemove(id, out _);
            // Unanswered (not sent, or the worker gone): nobody else will answer it.
            answer.TrySetResult(null);
            _waiting.TryRemove(id, out _);
        }
    }

    // A document of a call in the worker, stored with the call's own store; answered even when it fails, naming why.
    private async Task CreateDocumentAsync(JsonObject request)
    {
        var id = (long)request["id"]!;
        JsonObject answer;
        try
        {
            if (!_documentStores.TryGetValue((long)request["call"]!, out var store))
                throw new DocumentStoreException("the call has ended, or has no document store");
            var reference = await store.CreateAsync(new DocumentCreation
            {
                Content = Convert.FromBase64String((string)request["content"]!),
                ContentType = (string?)request["contentType"],
                FileName = (string?)request["fileName"],
            });
            answer = new JsonObject { ["reference"] = JsonNode.Parse(reference.Json.GetRawText()) };
        }
        catch (DocumentStoreException e)
        {
            answer = new JsonObject { ["error"] = e.Message, ["status"] = e.StatusCode };
        }
        catch (Exception e)
        {
            // The worker runs plugin code: a malformed request is its problem, answered, never the host's.
            _logger.LogWarning(e, "Worker process of plugin {Plugin} sent a document the host could not read", _plugin);
            answer = new JsonObject { ["error"] = "the host could not read the document request: " + e.Message };
        }
        answer["id"] = id;
        answer["kind"] = "documentCreated";
        try
        {
            await _writer!.WriteAsync(answer, CancellationToken.None);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException)
        {
            // The worker is gone: nobody waits for the answer.
        }
    }

    // An event a subscription in the worker publishes, correlated by the host; always answered, so the connector's
    // PublishAsync never waits for nothing.
    private async Task PublishAsync(long id, JsonObject message)
    {
        EventOutcome outcome;
        try
        {
            outcome = message["subscription"] is JsonValue subscription && subscription.TryGetValue<long>(out var of) && _subscribers.TryGetValue(of, out var subscriber)
                ? await subscriber.PublishAsync(message["event"]?.DeepClone())
                : new EventOutcome(EventStatus.Failed, "the subscription the event was published for is not running");
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "Worker process of plugin {Plugin}: an event it published could not be correlated", _plugin);
            outcome = new EventOutcome(EventStatus.Failed, "the host could not correlate the event: " + e.GetType().Name);
        }
        try
        {
            await _writer!.WriteAsync(id, "published", outcome, static (json, answer) =>
            {
                json.WriteString("status", answer.Status.ToString());
                json.WriteString("message", answer.Message);
            }, CancellationToken.None);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException)
        {
            // The worker is gone: nobody waits for the answer.
        }
    }

    // A subscription's own report of its health (ReportUp, ReportDown), already masked in the worker.
    private void Health(JsonObject message)
    {
        if (message["subscription"] is JsonValue subscription && subscription.TryGetValue<long>(out var of) && _subscribers.TryGetValue(of, out var subscriber)
            && message["up"] is JsonValue upValue && upValue.TryGetValue<bool>(out var up))
            subscriber.Health(up, message["reason"] is JsonValue reason && reason.TryGetValue<string>(out var text) ? text : null);
    }

    private async Task CancelAsync(long id)
    {
        try
        {
            await _writer!.WriteAsync(id, "cancel", 0, static (_, _) => { }, CancellationToken.None);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or System.Net.Sockets.SocketException)
        {
            // The worker is gone: nothing left to cancel.
        }
    }

    /// <summary>Kills the worker when its working set exceeds <paramref name="megabytes"/>, checking every half second;
    /// its calls in flight are answered <c>PluginCrashed</c> naming the ceiling.</summary>
    public void LimitMemory(int megabytes) => _ = Task.Run(async () =>
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
        while (!Exited.IsCompleted && await timer.WaitForNextTickAsync())
        {
            if (Status() is { } status && status.WorkingSetBytes > megabytes * 1024L * 1024)
            {
                _killReason = $"it exceeded its memory ceiling of {megabytes} MB (working set {status.WorkingSetBytes / (1024 * 1024)} MB) and was killed";
                _logger.LogWarning("Worker process {ProcessId} of plugin {Plugin}: {Reason}", status.ProcessId, _plugin, _killReason);
                Kill();
                return;
            }
        }
    });

    /// <summary>How long a worker may stay silent about a call past the caller's timeout before it counts as hung.</summary>
    public TimeSpan HungGrace { get; init; } = TimeSpan.FromSeconds(10);

    private async Task WatchAsync(long id, Task<JsonObject?> answer)
    {
        try
        {
            if (await Task.WhenAny(answer, Exited, Task.Delay(HungGrace)) != answer && !Exited.IsCompleted)
            {
                _killReason = $"it was hung (a call got no answer {SecondsText.Of(HungGrace)} past its timeout) and was killed";
                _logger.LogWarning("Worker process {ProcessId} of plugin {Plugin} is hung: a call got no answer {GraceSeconds} s past its timeout; killing it",
                    SafeId(), _plugin, HungGrace.TotalSeconds);
                Kill();
            }
        }
        finally
        {
            _waiting.TryRemove(id, out _);
        }
    }

    private void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Already gone.
        }
    }

    private async Task ReadAsync()
    {
        try
        {
            // Buffered: several answers that arrive together are read with one system call.
            var reading = new BufferedStream(_connection!, 64 * 1024);
            while (await WorkerFrames.ReadAsync(reading, CancellationToken.None) is { } message)
            {
                // The worker runs plugin code, which can write to this connection too: a message without a numeric id
                // or with a kind that is not text is a broken worker, not a reason for this loop to end unseen.
                if (message["id"] is not JsonValue idValue || !idValue.TryGetValue<long>(out var id))
                    throw new InvalidDataException("the worker sent a message without a numeric id");
                string? kind = null;
                if (message["kind"] is { } kindNode && (kindNode is not JsonValue kindValue || !kindValue.TryGetValue(out kind)))
                    throw new InvalidDataException("the worker sent a message whose kind is not text");
                // The one request the worker makes: stored aside, so the loop reads on.
                if (kind == "createDocument")
                {
                    _ = CreateDocumentAsync(message);
                    continue;
                }
                // What a running subscription sends: an event to correlate (answered once it is), and its health.
                if (kind == "publish")
                {
                    _ = PublishAsync(id, message);
                    continue;
                }
                if (kind == "health")
                {
                    Health(message);
                    continue;
                }
                if (_waiting.TryGetValue(id, out var waiting))
                    waiting.TrySetResult(message);
            }
            await EndedAsync("the worker closed its connection");
        }
        // A message that is no JSON ends the connection too: otherwise this loop would end unseen and every call left
        // waiting for an answer would wait out its timeout.
        catch (Exception e) when (e is InvalidDataException or System.Text.Json.JsonException)
        {
            Broken("it sent a message the host could not read: " + e.Message);
            await EndedAsync(_killReason!);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException)
        {
            await EndedAsync("the connection to the worker failed: " + e.Message);
        }
    }

    // A worker that broke the protocol is ended: the calls it still holds are answered now, and a process left running
    // beside a dead connection would only hold its memory until its generation is disposed.
    internal void Broken(string reason)
    {
        _killReason ??= reason;
        Kill();
    }

    // A crashing worker's connection usually closes just before the process is reaped: wait a moment for its exit code,
    // which says more (134: an abort such as FailFast or a stack overflow; 137: killed).
    private async Task EndedAsync(string reason)
    {
        using var moment = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await _process.WaitForExitAsync(moment.Token);
            reason = $"exit code {SafeExitCode(_process)}";
        }
        catch (Exception e) when (e is OperationCanceledException or InvalidOperationException)
        {
        }
        Ended(reason);
    }

    private void Ended(string reason)
    {
        if (_killReason is { } killed)
            reason = killed;
        if (!_exited.TrySetResult(reason))
            return;
        // What the plugin started ends with its worker, whichever way the worker ended.
        ProcessGroup.Kill(SafeId());
        // Ending because the host ended it (an unload, a shutdown) is news, not a warning.
        _logger.Log(_disposing ? LogLevel.Information : LogLevel.Warning, "Worker process {ProcessId} of plugin {Plugin} ended: {Reason}", SafeId(), _plugin, reason);
        // Every call still waiting is answered now (null: the worker ended), never left to its timeout.
        foreach (var waiting in _waiting.Values)
            waiting.TrySetResult(null);
    }

    // The worker's standard error: its log's events, each relayed as an event of the host's log with the plugin named,
    // and the text it writes before its log exists (why the plugin did not load).
    private void Relay(string? line)
    {
        if (string.IsNullOrEmpty(line))
            return;
        try
        {
            if (line.StartsWith('{') && JsonNode.Parse(line) is JsonObject logged)
            {
                RelayEvent(logged);
                return;
            }
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or ArgumentException or FormatException)
        {
            // JSON plugin code printed that is no event of the worker's log ({"@l":1}, a key twice, an escaped lone
            // surrogate): relayed as a line. A throw here ended the stream's pump, the pipe filled, and every later
            // call that wrote to it hung in the worker until its timeout.
        }
        // Not an event: the worker's own words outside its log (why the plugin did not load), quoted if it ends.
        _lastLine = line;
        _logger.LogWarning("Worker of plugin {Plugin}: {WorkerLine}", _plugin, line);
    }

    // The worker's standard output, where plugin code's console goes (its Console.Error too): text, never read as an
    // event, whatever its shape, so plugin code cannot pass a line off as the worker's or the host's own.
    private void RelayText(string? line)
    {
        if (!string.IsNullOrEmpty(line))
            _logger.LogWarning("Worker of plugin {Plugin}: {WorkerLine}", _plugin, line);
    }

    private void RelayEvent(JsonObject logged)
    {
        var level = (string?)logged["@l"] switch
        {
            "Verbose" => LogLevel.Trace,
            "Debug" => LogLevel.Debug,
            "Warning" => LogLevel.Warning,
            "Error" => LogLevel.Error,
            "Fatal" => LogLevel.Critical,
            _ => LogLevel.Information,
        };
        var message = (string?)logged["@m"] ?? "";
        _lastLine = message;
        // The event's own properties (the call's connector, operation and protocol among them) stay properties of the
        // host's event, so a JSON log is as searchable for isolated plugins as for in-process ones.
        using var scope = _logger.BeginScope(Properties(logged));
        // The worker has already escaped, capped and masked the values; its exception comes with its stack.
        if ((string?)logged["@x"] is { } exception)
            _logger.Log(level, "Worker of plugin {Plugin} ({WorkerCategory}): {WorkerMessage} {WorkerException}", _plugin, (string?)logged["SourceContext"], message, exception);
        else
            _logger.Log(level, "Worker of plugin {Plugin} ({WorkerCategory}): {WorkerMessage}", _plugin, (string?)logged["SourceContext"], message);
    }

    private static List<KeyValuePair<string, object?>> Properties(JsonObject logged)
    {
        var properties = new List<KeyValuePair<string, object?>>(logged.Count);
        foreach (var (name, value) in logged)
        {
            if (name.StartsWith('@') || name == "SourceContext")
                continue;
            object? scalar = value switch
            {
                null => null,
                JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
                JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>(),
                JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.TryGetValue<long>(out var whole) ? whole : v.GetValue<double>(),
                _ => value.ToJsonString(),
            };
            properties.Add(new(name, scalar));
        }
        return properties;
    }

    private int SafeId()
    {
        try
        {
            return _process.Id;
        }
        catch (InvalidOperationException)
        {
            return 0;
        }
    }

    private static string SafeExitCode(Process process)
    {
        try
        {
            return process.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (InvalidOperationException)
        {
            return "unknown";
        }
    }

    /// <summary>Ends the worker (killing it when it does not end on its own once its connection closes) and removes the socket.</summary>
    public async ValueTask DisposeAsync()
    {
        _disposing = true;
        _connection?.Dispose();
        _listener.Dispose();
        try
        {
            if (!_process.HasExited)
            {
                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                try
                {
                    await _process.WaitForExitAsync(grace.Token);
                }
                catch (OperationCanceledException)
                {
                    _process.Kill(entireProcessTree: true);
                    await _process.WaitForExitAsync();
                }
            }
            ProcessGroup.Kill(SafeId());
        }
        catch (InvalidOperationException)
        {
            // Never started.
        }
        _process.Dispose();
        File.Delete(_socketPath);
    }
}
