using Switchboard.Abstractions;
using Switchboard.Abstractions.Spiff;

namespace Switchboard.Plugins.Http;

/// <summary>Calls an HTTP endpoint: SpiffArena's HTTP commands and one Camunda type with an operation per method.</summary>
[Connector("io.switchboard:http:1",
    Name = "HTTP request",
    Description = "Sends an HTTP request and returns the response: JSON parsed, anything else as raw_response text.",
    TimeoutSeconds = 300,
    Icon = "http.svg",
    Keywords = ["HTTP", "REST", "API call", "web request", "GET", "POST", "PUT", "PATCH", "DELETE"])]
public sealed class HttpConnector : IDisposable
{
    // One connection pool owned by the plugin and disposed with it when it unloads; DNS changes are picked up by
    // recycling pooled connections instead of recycling handlers (no IHttpClientFactory: its handler-expiry timers
    // outlive the container in Microsoft.Extensions.Http 8.x and keep the plugin loaded).
    // No cookie jar: the pool serves every call of every process, and a session cookie one call received was sent
    // with every later call to that host, whoever made it.
    // Redirects are followed by RedirectHandler, not by the pool: it keeps basic auth on the same host and drops it on
    // another, as SpiffArena's Python requests does (.NET's own following drops it on every redirect).
    private readonly SocketsHttpHandler _handler = new() { PooledConnectionLifetime = TimeSpan.FromMinutes(2), UseCookies = false, AllowAutoRedirect = false };
    private readonly HttpClient _retrying;
    private readonly HttpClient _singleShot;
    private readonly RequestSender _sender;

    /// <summary>Builds the plugin's HTTP clients.</summary>
    public HttpConnector()
    {
        // GET and HEAD: 408, 429, 5xx and connection failures, twice, with jittered exponential backoff; a retry
        // follows the redirects again from the first URL.
        // Without HttpClient's own 100 s: each request has timeout_seconds (up to an hour), and a request allowed more
        // failed at 100 s as the connector's failure instead of answering (see RequestSender).
        _retrying = new HttpClient(new RetryHandler(new RedirectHandler(_handler), maxRetries: 2, baseDelay: TimeSpan.FromMilliseconds(300)), disposeHandler: false)
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        // Methods whose repetition could act twice: no retries.
        _singleShot = new HttpClient(new RedirectHandler(_handler), disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
        _sender = new RequestSender(_retrying, _singleShot);
    }

    /// <summary>GET the URL.</summary>
    [Operation("get", Name = "GET"), SpiffCommand("http/GetRequestV2")]
    public Task<ConnectorResponse> Get(HttpReadInput input, IConnectorContext context) => _sender.SendAsync(HttpMethod.Get, input, null, context);

    /// <summary>HEAD the URL: status and headers, no body.</summary>
    [Operation("head", Name = "HEAD"), SpiffCommand("http/HeadRequestV2")]
    public Task<ConnectorResponse> Head(HttpReadInput input, IConnectorContext context) => _sender.SendAsync(HttpMethod.Head, input, null, context);

    /// <summary>POST the data.</summary>
    [Operation("post", Name = "POST"), SpiffCommand("http/PostRequestV2")]
    public Task<ConnectorResponse> Post(HttpWriteInput input, IConnectorContext context) => _sender.SendAsync(HttpMethod.Post, input, input, context);

    /// <summary>PUT the data.</summary>
    [Operation("put", Name = "PUT"), SpiffCommand("http/PutRequestV2")]
    public Task<ConnectorResponse> Put(HttpWriteInput input, IConnectorContext context) => _sender.SendAsync(HttpMethod.Put, input, input, context);

    /// <summary>PATCH the data.</summary>
    [Operation("patch", Name = "PATCH"), SpiffCommand("http/PatchRequestV2")]
    public Task<ConnectorResponse> Patch(HttpWriteInput input, IConnectorContext context) => _sender.SendAsync(HttpMethod.Patch, input, input, context);

    /// <summary>DELETE the resource, with data when given.</summary>
    [Operation("delete", Name = "DELETE"), SpiffCommand("http/DeleteRequestV2")]
    public Task<ConnectorResponse> Delete(HttpWriteInput input, IConnectorContext context) => _sender.SendAsync(HttpMethod.Delete, input, input, context);

    /// <summary>Closes the pooled connections so the plugin can unload.</summary>
    public void Dispose()
    {
        _retrying.Dispose();
        _singleShot.Dispose();
        _handler.Dispose();
    }
}
