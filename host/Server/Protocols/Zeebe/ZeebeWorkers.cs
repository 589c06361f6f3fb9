using Switchboard.Host.Logging;
using System.Text.Json.Nodes;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Options;
using Switchboard.Host.Catalog;
using Switchboard.Core;
using Switchboard.Core.Invoking;
using Switchboard.Host.Invocation;
using Switchboard.Core.Metadata;
using Switchboard.Host.Protocols.Zeebe.Secrets;

namespace Switchboard.Host.Protocols.Zeebe;

/// <summary>One job worker per connector type in the catalog, opened and closed as the catalog changes, and one per job
/// type the host serves itself (<see cref="IHostJob"/>); off when no gateway is configured.</summary>
internal sealed class ZeebeWorkers(PluginCatalog catalog, InvocationPipeline pipeline, IOptions<ZeebeOptions> options,
    ISecretProvider secrets, IHttpClientFactory httpClients, ILoggerFactory loggers, IEnumerable<IHostJob> hostJobs, TimeProvider time)
    : IHostedLifecycleService, IAsyncDisposable
{
    private readonly ILogger _logger = loggers.CreateLogger<ZeebeWorkers>();
    private readonly Dictionary<string, JobWorker> _workers = new(StringComparer.Ordinal);
    // Workers closing, each with its closing under way (guarded by _workers): they drain their running jobs beside the
    // open workers, so that a long job of a removed connector holds up no other change.
    private readonly Dictionary<JobWorker, Task> _closing = [];
    // Each connector type's room for running jobs, kept across its workers: a replaced worker's jobs still draining
    // count against the room of the worker that replaced it (MaxJobsActive is per type). Guarded by _workers.
    private readonly Dictionary<string, JobCapacity> _capacities = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _stopped;
    private IDisposable? _subscription;
    private GrpcChannel? _channel;
    private Gateway.Gateway.GatewayClient? _gateway;

    /// <summary>The gateway client once the adapter is on (null when no gateway is configured); inbound correlation publishes through it.</summary>
    internal Gateway.Gateway.GatewayClient? Client => _gateway;
    private JobHandler? _handler;
    private OAuthTokenSource? _tokens;
    private Action? _tokenRefused;

    /// <summary>The OAuth token source the gateway calls use, or null without OAuth; the REST API shares it.</summary>
    internal OAuthTokenSource? Tokens => _tokens;

    /// <summary>Token requests made so far; 0 without OAuth.</summary>
    public int TokenRequests => _tokens?.Requests ?? 0;

    /// <summary>The gateway in use, or null when the adapter is off.</summary>
    public Uri? Address { get; private set; }

    /// <summary>The workers open now, then those still closing (a closing worker stays listed until its running jobs
    /// have reported).</summary>
    public IReadOnlyList<JobWorker> Workers
    {
        get { lock (_workers) return [.. _workers.Values, .. _closing.Keys]; }
    }

    /// <summary>The open worker of each job type: the one that takes its jobs. A redeployed or reshaped connector's type
    /// may also have a worker still closing, which <see cref="Workers"/> lists beside it.</summary>
    public IReadOnlyDictionary<string, JobWorker> OpenWorkers
    {
        get { lock (_workers) return new Dictionary<string, JobWorker>(_workers, StringComparer.Ordinal); }
    }

    /// <summary>The adapter's state for <c>/health</c>: off, connected, or retrying with the last error; and each worker's job type and load.</summary>
    public JsonObject Describe()
    {
        if (Address is null)
            return new JsonObject { ["state"] = "off", ["reason"] = "no gateway address configured" };
        List<(JobWorker Worker, bool Closing)> workers;
        lock (_workers)
            workers = [.. _workers.Values.Select(w => (w, false)), .. _closing.Keys.Select(w => (w, true))];
        var error = workers.Select(w => w.Worker.LastError).FirstOrDefault(e => e is not null);
        return new JsonObject
        {
            ["state"] = error is null ? "connected" : "retrying",
            ["address"] = LoggableUrl.Of(Address),
            ["lastError"] = StatusText.Cut(error),
            ["workers"] = new JsonArray(workers.Select(w => (JsonNode?)new JsonObject
            {
                ["jobType"] = w.Worker.Type,
                ["activeJobs"] = w.Worker.Active,
                // A closing worker takes no more jobs (nor does any once the host begins stopping); it is listed until its
                // running ones have reported.
                ["state"] = w.Closing || w.Worker.StoppedActivating ? "closing" : w.Worker.LastError is null ? "polling" : "retrying",
            }).ToArray()),
        };
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        Address = ZeebeAddress.Resolve(options.Value);
        if (Address is null)
        {
            _logger.LogInformation("Zeebe adapter off: no gateway address (set ZEEBE_GRPC_ADDRESS or Switchboard:Zeebe:Address); the HTTP protocols serve");
            return;
        }
        var channelOptions = new GrpcChannelOptions
        {
            MaxReceiveMessageSize = options.Value.MaxMessageSize,
            HttpHandler = new SocketsHttpHandler
            {
                // Long polls sit idle for seconds: keep-alive pings keep proxies from cutting them.
                KeepAlivePingDelay = TimeSpan.FromSeconds(30),
                KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
                KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
                EnableMultipleHttp2Connections = true,
                SslOptions = options.Value.CaCertificatePath is { Length: > 0 } ca
                    ? new System.Net.Security.SslClientAuthenticationOptions { RemoteCertificateValidationCallback = GatewayTrust.For(ca) }
                    : new System.Net.Security.SslClientAuthenticationOptions(),
            },
        };
        if (OAuthSettings.Resolve(options.Value) is { } oauth)
        {
            _tokens = new OAuthTokenSource(oauth, httpClients.CreateClient(ZeebeServices.OAuthClientName), TimeProvider.System);
            var tokens = _tokens;
            var bearer = CallCredentials.FromInterceptor(async (context, metadata) =>
                metadata.Add("authorization", "Bearer " + await tokens.GetForCallAsync(context.CancellationToken)));
            channelOptions.Credentials = ChannelCredentials.Create(Address.Scheme == Uri.UriSchemeHttps ? ChannelCredentials.SecureSsl : ChannelCredentials.Insecure, bearer);
            // Self-managed clusters often run OAuth over plaintext inside their network; the operator chose the address.
            channelOptions.UnsafeUseInsecureChannelCallCredentials = Address.Scheme == Uri.UriSchemeHttp;
            _logger.LogInformation("Zeebe adapter authenticates as {OAuthClient}", oauth.ToString());
        }
        _channel = GrpcChannel.ForAddress(Address, channelOptions);
        _gateway = new Gateway.Gateway.GatewayClient(_channel);
        Action? tokenRefused = _tokens is null ? null : _tokens.Invalidate;
        _tokenRefused = tokenRefused;
        Func<Gateway.ActivatedJob, Switchboard.Abstractions.Documents.IDocumentStore>? documents = null;
        if (options.Value.RestAddress is { } rest)
        {
            var restClient = httpClients.CreateClient(ZeebeServices.RestClientName);
            var restAddress = new Uri(rest.TrimEnd('/') + "/");
            documents = job => new CamundaDocumentStore(restClient, restAddress, job.BpmnProcessId, job.ProcessInstanceKey);
        }
        var handlerLogger = loggers.CreateLogger<JobHandler>();
        var commands = new JobCommands(options.Value.CommandTimeout, time, handlerLogger, tokenRefused);
        _handler = new JobHandler(_gateway, pipeline, secrets, handlerLogger, commands, time, documents);
        lock (_workers)
        {
            foreach (var hostJob in hostJobs)
                _workers[hostJob.Type] = new JobWorker(hostJob, _gateway, _handler, options.Value, _logger, time, _tokenRefused);
        }
        // Called now and after every change of the catalog; each call brings the workers in line with the newest connectors.
        _subscription = catalog.Subscribe(OnChanged);
        await SyncAsync();
        _logger.LogInformation("Zeebe adapter on: gateway {Address}, worker {Worker}", LoggableUrl.Of(Address), options.Value.WorkerName);
        if (!options.Value.Polling)
            // Zeebe pushes only jobs that appear while a stream is open and ready; the rest wait for a poll.
            _logger.LogWarning("Zeebe polling is off (Switchboard:Zeebe:Polling=false): jobs created before a worker's stream opens, or while it is full, wait until some worker polls for their type");
    }

    // Raised on the catalog's thread: the sync runs on, and a failure is logged with its stack rather than lost.
    private void OnChanged(ConnectorIndex index) =>
        SyncAsync().ContinueWith(t => _logger.LogError(t.Exception!.GetBaseException(), "Zeebe workers could not follow the catalog's connector index version {IndexVersion}", index.Version),
            CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);

    // The catalog is the source of truth: open a worker for each type it serves and close the others. A worker whose
    // connector a reload gave other inputs is replaced, since the variables it fetches are fixed when its stream opens.
    // Closing workers drain in the background: awaited here, one removed connector's long job held every later change
    // (a new connector got no worker, a removed one kept taking jobs) for up to the drain timeout.
    private async Task SyncAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (_stopped)
                return;
            var wanted = catalog.Connectors.ToDictionary(c => c.Type, StringComparer.Ordinal);
            var ours = hostJobs.Select(j => j.Type).ToHashSet(StringComparer.Ordinal);
            List<JobWorker> closing;
            lock (_workers)
            {
                closing = _workers.Values.Where(w => !ours.Contains(w.Type)
                    && (!wanted.TryGetValue(w.Type, out var connector) || !w.FetchVariables.SequenceEqual(JobWorker.FetchVariablesOf(connector, options.Value)))).ToList();
                foreach (var worker in closing)
                {
                    _workers.Remove(worker.Type);
                    _closing[worker] = Task.CompletedTask; // listed before its closing starts, which unlists it when done
                }
                // A plugin cannot take a job type the host serves: the host's worker keeps it.
                foreach (var connector in wanted.Values.Where(c => !_workers.ContainsKey(c.Type)))
                {
                    if (!_capacities.TryGetValue(connector.Type, out var capacity))
                        _capacities[connector.Type] = capacity = new JobCapacity(options.Value.MaxJobsActive);
                    _workers[connector.Type] = new JobWorker(connector, _gateway!, _handler!, options.Value, _logger, time, _tokenRefused, capacity);
                    _logger.LogInformation("Zeebe worker for {Connector} opened via {Protocol}", connector.Type, "Zeebe");
                }
            }
            foreach (var worker in closing)
            {
                var closed = CloseAsync(worker);
                lock (_workers)
                    if (_closing.ContainsKey(worker))
                        _closing[worker] = closed;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task CloseAsync(JobWorker worker)
    {
        await worker.DisposeAsync();
        lock (_workers)
            _closing.Remove(worker);
        _logger.LogInformation("Zeebe worker for {Connector} closed via {Protocol}", worker.Type, "Zeebe");
    }

    Task IHostedLifecycleService.StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    Task IHostedLifecycleService.StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Stops every worker activating jobs as soon as the host begins stopping. Services stop one after another,
    /// this one late: until its turn, while a slow HTTP call held the server's stop, the workers went on taking jobs,
    /// which were then cut unreported when the shutdown timeout had run out, and waited out their Zeebe job timeout.</summary>
    async Task IHostedLifecycleService.StoppingAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(CancellationToken.None);
        try
        {
            _stopped = true;
        }
        finally
        {
            _gate.Release();
        }
        List<JobWorker> all;
        lock (_workers)
            all = [.. _workers.Values, .. _closing.Keys];
        foreach (var worker in all)
            worker.StopActivating();
    }

    Task IHostedLifecycleService.StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Closes every worker: each stops activating and its running jobs get <c>DrainTimeout</c> to report, or
    /// until <paramref name="cancellationToken"/> (the host's shutdown timeout) ends the wait for all of them.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        // Taken so that no change of the catalog opens a worker after this (each sync holds it only a moment).
        await _gate.WaitAsync(CancellationToken.None);
        List<JobWorker> open;
        try
        {
            _stopped = true;
            lock (_workers)
            {
                open = [.. _workers.Values];
                _workers.Clear();
            }
        }
        finally
        {
            _gate.Release();
        }
        var closings = open.Select(w => w.DisposeAsync().AsTask()).ToList();
        List<JobWorker> all;
        lock (_workers)
        {
            closings.AddRange(_closing.Values);
            all = [.. open, .. _closing.Keys];
        }
        using var cut = cancellationToken.Register(() =>
        {
            foreach (var worker in all)
                worker.CutDrain();
        });
        await Task.WhenAll(closings);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None);
        _channel?.Dispose();
    }
}
