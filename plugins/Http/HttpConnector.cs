using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Switchboard.Abstractions;

namespace Switchboard.Plugins.Http;

/// <summary>Calls an HTTP endpoint: SpiffArena's HTTP commands and one Camunda type with an operation per method.</summary>
[Connector("io.switchboard:http:1",
    Name = "HTTP request",
    Description = "Sends an HTTP request and returns the response: JSON parsed, anything else as raw_response text.",
    TimeoutSeconds = 300)]
public sealed class HttpConnector : IDisposable
{
    /// <summary>The client for GET and HEAD, which retries transient failures.</summary>
    internal const string RetryingClient = "switchboard-http-safe";

    /// <summary>The client for methods whose repetition could act twice: no retries.</summary>
    internal const string SingleShotClient = "switchboard-http-once";

    // The plugin's own container: handlers are pooled across calls and disposed with the plugin when it unloads.
    private readonly ServiceProvider _services;
    private readonly RequestSender _sender;

    /// <summary>Builds the plugin's HTTP client pipeline.</summary>
    public HttpConnector()
    {
        var services = new ServiceCollection();
        // 408, 429, 5xx and connection failures, twice, with jittered exponential backoff.
        services.AddHttpClient(RetryingClient).AddResilienceHandler("transient-retry", pipeline => pipeline.AddRetry(new HttpRetryStrategyOptions
        {
            MaxRetryAttempts = 2,
            Delay = TimeSpan.FromMilliseconds(300),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
        }));
        services.AddHttpClient(SingleShotClient);
        _services = services.BuildServiceProvider();
        _sender = new RequestSender(_services.GetRequiredService<IHttpClientFactory>());
    }

    /// <summary>GET the URL.</summary>
    [Operation("get", Name = "GET", SpiffCommand = "http/GetRequestV2")]
    public Task<ConnectorResponse> Get(HttpReadInput input, IConnectorContext context) => _sender.SendAsync(HttpMethod.Get, input, null, context);

    /// <summary>HEAD the URL: status and headers, no body.</summary>
    [Operation("head", Name = "HEAD", SpiffCommand = "http/HeadRequestV2")]
    public Task<ConnectorResponse> Head(HttpReadInput input, IConnectorContext context) => _sender.SendAsync(HttpMethod.Head, input, null, context);

    /// <summary>POST the data.</summary>
    [Operation("post", Name = "POST", SpiffCommand = "http/PostRequestV2")]
    public Task<ConnectorResponse> Post(HttpWriteInput input, IConnectorContext context) => _sender.SendAsync(HttpMethod.Post, input, input, context);

    /// <summary>PUT the data.</summary>
    [Operation("put", Name = "PUT", SpiffCommand = "http/PutRequestV2")]
    public Task<ConnectorResponse> Put(HttpWriteInput input, IConnectorContext context) => _sender.SendAsync(HttpMethod.Put, input, input, context);

    /// <summary>PATCH the data.</summary>
    [Operation("patch", Name = "PATCH", SpiffCommand = "http/PatchRequestV2")]
    public Task<ConnectorResponse> Patch(HttpWriteInput input, IConnectorContext context) => _sender.SendAsync(HttpMethod.Patch, input, input, context);

    /// <summary>DELETE the resource, with data when given.</summary>
    [Operation("delete", Name = "DELETE", SpiffCommand = "http/DeleteRequestV2")]
    public Task<ConnectorResponse> Delete(HttpWriteInput input, IConnectorContext context) => _sender.SendAsync(HttpMethod.Delete, input, input, context);

    /// <summary>Releases the pooled handlers so the plugin can unload.</summary>
    public void Dispose() => _services.Dispose();
}
