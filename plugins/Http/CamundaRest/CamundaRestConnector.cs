using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Switchboard.Abstractions;
using Switchboard.Abstractions.Documents;
using Switchboard.Abstractions.Spiff;
using Switchboard.Plugins.Http.Authentication;

namespace Switchboard.Plugins.Http.CamundaRest;

/// <summary>Camunda's REST connector, served by Switchboard: job type <c>io.camunda:http-json:1</c> with the inputs
/// Camunda's REST template writes, Camunda's result (<c>status</c>, <c>headers</c>, <c>body</c>) and Camunda's error
/// (an HTTP failure's <c>error.code</c> is its status as text, <c>"404"</c>, with <c>error.variables.response</c>),
/// so a process modeled with Camunda's own template runs unchanged.</summary>
[Connector("io.camunda:http-json:1",
    Name = "REST (Camunda's REST connector)",
    Description = "Sends an HTTP request as Camunda's REST connector does, with the inputs its element template writes.",
    TimeoutSeconds = 300,
    Icon = "http.svg",
    Keywords = ["HTTP", "REST", "API call", "web request", "Camunda REST connector"],
    // It serves Camunda's REST job type with the inputs Camunda's template writes: Camunda's page documents them.
    DocumentationUrl = "https://docs.camunda.io/docs/components/connectors/protocol/rest/")]
[SpiffCommand("http/CamundaRestRequest")]
public sealed class CamundaRestConnector : IDisposable
{
    // One pool; redirects are followed by RedirectHandler in front of it (only for followRedirects, Camunda's default
    // being off), which drops the credentials when a redirect names another host.
    private readonly SocketsHttpHandler _pool = ConnectTimeoutHandler.Create();
    private readonly HttpClient _followingClient;
    private readonly HttpClient _directClient;
    private readonly ClientTlsHandlers _tls = new();

    /// <summary>Builds the connector's HTTP clients (no retries of their own: Zeebe retries the job).</summary>
    public CamundaRestConnector()
    {
        _followingClient = new HttpClient(new RedirectHandler(_pool), disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
        _directClient = new HttpClient(_pool, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>Sends the request and returns the response, or fails with the status as the error code.</summary>
    [Operation]
    public async Task<CamundaRestResult> Send(CamundaRestInput input, IConnectorContext context)
    {
        var (address, authentication) = Target(input);
        // Checked before the request goes out: a call that cannot keep its answer should not have its side effects.
        var documents = StoresDocument(input) ? context.Get<IDocumentStore>() ?? throw Unsupported(
            input.StoreResponse ? "storeResponse" : "documentReturnFormat.choice",
            "storing the response as a document needs Camunda's document store, which Switchboard offers to Zeebe jobs when Switchboard:Zeebe:RestAddress names the cluster's REST API") : null;
        var method = Method(input.Method);
        // Checked before the request goes out too: the answer could not be read back.
        var textEncoding = TextEncoding(input.DocumentReturnFormat);
        var headers = Map(input.Headers, "headers");
        var contentType = headers.TryGetValue("Content-Type", out var type) ? type : null;
        var body = method == HttpMethod.Get || method == HttpMethod.Head ? null : input.Body?.DeepClone();
        if (input.IgnoreNullValues)
            body = WithoutNulls(body);
        var write = new HttpWriteInput
        {
            Url = address,
            Params = input.QueryParameters?.DeepClone(),
            Headers = headers,
            Data = body,
            BodyFormat = contentType is null || contentType.Contains("json", StringComparison.OrdinalIgnoreCase) ? BodyFormat.Json
                : contentType.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) ? BodyFormat.Form
                : BodyFormat.Raw,
        };
        // Camunda's read timeout counts from the connection; here it is added to the connect timeout, one deadline for both
        // (the token request's too).
        var read = input.ReadTimeoutInSeconds ?? input.ConnectionTimeoutInSeconds;
        var limit = read > 0 ? TimeSpan.FromSeconds(read + input.ConnectionTimeoutInSeconds) : (TimeSpan?)null;
        if (authentication is not null)
            await HttpAuthentication.ApplyAsync(authentication, write, _directClient, TimeSpan.FromSeconds(input.ConnectionTimeoutInSeconds), limit,
                context.CancellationToken);

        var url = RequestBuilder.Url(write, "queryParameters");
        using var request = new HttpRequestMessage(method, url) { Content = RequestBuilder.Body(write, "body") };
        RequestBuilder.AddHeaders(request, write);
        request.Options.Set(ConnectTimeoutHandler.ConnectTimeout, TimeSpan.FromSeconds(input.ConnectionTimeoutInSeconds));

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        if (limit is { } within)
            deadline.CancelAfter(within);
        // Only scheme, host, port and path are logged or returned: the user part and the query often carry credentials.
        var target = $"{method} {RequestBuilder.Loggable(url)}";
        var started = Stopwatch.GetTimestamp();
        // Mutual TLS needs a pool of its own per certificate; every other request shares the connector's pools.
        var owned = false;
        var tls = input.ClientTls is { } clientTls && HasContent(clientTls) ? _tls.For(clientTls, out owned) : null;
        using var ownedClient = tls is null ? null
            : new HttpClient(input.FollowRedirects ? new RedirectHandler(tls) : tls, disposeHandler: owned) { Timeout = Timeout.InfiniteTimeSpan };
        try
        {
            // Headers first: the body is read by ResponseReader, which bounds it (HttpClient's own buffer allows 2 GB).
            using var response = await (ownedClient ?? (input.FollowRedirects ? _followingClient : _directClient))
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            var status = (int)response.StatusCode;
            context.Logger.LogInformation("{Method} {Target} answered {Status} in {ElapsedMs} ms",
                method.Method, RequestBuilder.Loggable(url), status, Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 1));
            if (documents is not null && status < 400)
                return new CamundaRestResult(status, Headers(response), null, response.ReasonPhrase, await StoreAsync(documents, response, target, deadline.Token));
            var result = new CamundaRestResult(status, Headers(response), await BodyAsync(response, textEncoding, target, deadline.Token), response.ReasonPhrase);
            if (status < 400)
                return result;
            // Camunda's error: the status as the code, the reason as the message, the response as the error's variables.
            throw new ConnectorException(status.ToString(System.Globalization.CultureInfo.InvariantCulture), response.ReasonPhrase ?? "[no reason]", retryable: true,
                details: new JsonObject { ["response"] = new JsonObject { ["headers"] = result.Headers.DeepClone(), ["body"] = result.Body?.DeepClone() } })
            {
                StatusCode = status <= 599 ? status : 502,
            };
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            // Camunda's runtime reports every I/O failure, timeouts included, as 408.
            throw new ConnectorException("408", $"{target} did not answer within {read} s (readTimeoutInSeconds)", retryable: true) { StatusCode = 504 };
        }
        catch (HttpRequestException e)
        {
            var (code, what) = e.HttpRequestError is HttpRequestError.InvalidResponse or HttpRequestError.ResponseEnded or HttpRequestError.HttpProtocolError
                ? ("500", "an error with the HTTP protocol occurred")
                : ("408", "the request could not be sent, or the connection was aborted");
            var reason = e.InnerException is TimeoutException timeout ? timeout.Message
                : e.InnerException is System.Security.Authentication.AuthenticationException tlsFailure ? "TLS handshake failed: " + tlsFailure.Message
                : $"{e.HttpRequestError}: {e.Message}";
            throw new ConnectorException(code, $"{target}: {what} ({reason})", retryable: true) { StatusCode = 502 };
        }
        catch (IOException e)
        {
            // The connection failed while the body was read: an I/O failure, 408 as Camunda's runtime reports them.
            throw new ConnectorException("408", $"{target}: the connection was aborted while the answer was read ({e.Message})", retryable: true) { StatusCode = 502 };
        }
    }

    // storeResponse in Camunda's REST template, or the DOCUMENT return format of its newer versions.
    private static bool StoresDocument(CamundaRestInput input) =>
        input.StoreResponse || (input.DocumentReturnFormat?.Choice is { } choice && choice.Equals("DOCUMENT", StringComparison.OrdinalIgnoreCase));

    // The body as a document with the response's content type, as Camunda's runtime stores it; the reference as the store gave it.
    private static async Task<JsonNode?> StoreAsync(IDocumentStore documents, HttpResponseMessage response, string target, CancellationToken cancellationToken)
    {
        var bytes = await ResponseReader.BytesAsync(response.Content, target, cancellationToken);
        try
        {
            var reference = await documents.CreateAsync(new DocumentCreation { Content = bytes, ContentType = response.Content.Headers.ContentType?.ToString() }, cancellationToken);
            return JsonNode.Parse(reference.Json.GetRawText());
        }
        catch (DocumentStoreException e)
        {
            throw new ConnectorException("DocumentStoreFailed", "the response could not be stored as a document: " + e.Message, retryable: true) { StatusCode = 502 };
        }
    }

    // A credential chosen in the Modeler replaces the authentication fields (the template hides them then), and the
    // task's url, when it writes one, overrides the credential's: an OAuth credential carries no URL at all.
    private static (string Url, RestAuthentication? Authentication) Target(CamundaRestInput input)
    {
        var written = string.IsNullOrWhiteSpace(input.Url) ? null : input.Url;
        if (input.AuthenticationConfiguration is not { } credential)
            return (written ?? throw MissingUrl("write the URL to call, or choose a credential that carries one"), input.Authentication);
        if (string.IsNullOrWhiteSpace(credential.Authentication?.Type))
            throw new ConnectorInputException("InvalidParameters",
                "authenticationConfiguration.authentication.type: the credential names no authentication type; a REST credential holds {authentication: {type, ...}, url}")
                { Field = "authenticationConfiguration.authentication.type" };
        var url = written ?? (string.IsNullOrWhiteSpace(credential.Url) ? null : credential.Url)
            ?? throw MissingUrl("the credential in authenticationConfiguration carries no URL (an OAuth credential need not), so the task must write one");
        return (url, credential.Authentication);
    }

    private static ConnectorInputException MissingUrl(string why) => new("InvalidParameters", $"url: is required: {why}") { Field = "url" };

    // The field is named in the message too: a Zeebe incident shows only the message.
    private static ConnectorInputException Unsupported(string field, string message) => new("Unsupported", $"{field}: {message}") { Field = field };

    private static bool HasContent(RestClientTls tls) =>
        new[] { tls.ClientCertificate, tls.ClientPrivateKey, tls.TrustedCertificate }.Any(v => !string.IsNullOrWhiteSpace(v));

    private static HttpMethod Method(string text) => text.Trim().ToUpperInvariant() switch
    {
        "GET" => HttpMethod.Get,
        "POST" => HttpMethod.Post,
        "PUT" => HttpMethod.Put,
        "PATCH" => HttpMethod.Patch,
        "DELETE" => HttpMethod.Delete,
        "HEAD" => HttpMethod.Head,
        "OPTIONS" => HttpMethod.Options,
        _ => throw new ConnectorInputException("InvalidMethod", "must be GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS") { Field = "method" },
    };

    // A FEEL context arrives as a JSON object; its values are sent as text (numbers and booleans as written).
    private static Dictionary<string, string> Map(JsonNode? node, string field)
    {
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        switch (node)
        {
            case null:
                return map;
            case JsonObject entries:
                foreach (var (name, value) in entries)
                    if (value is not null)
                        map[name] = value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : value.ToJsonString();
                return map;
            default:
                throw new ConnectorInputException("InvalidParameters", "must be a map of names to values, such as ={\"Accept\": \"application/json\"}") { Field = field };
        }
    }

    private static JsonNode? WithoutNulls(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var name in o.Where(p => p.Value is null).Select(p => p.Key).ToList())
                    o.Remove(name);
                foreach (var (_, value) in o)
                    WithoutNulls(value);
                return o;
            case JsonArray a:
                foreach (var item in a)
                    WithoutNulls(item);
                return a;
            default:
                return node;
        }
    }

    // Each header once with its first value, as Camunda's runtime returns them; Set-Cookie keeps every value.
    private static JsonObject Headers(HttpResponseMessage response)
    {
        var headers = new JsonObject();
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (headers.ContainsKey(name))
                continue;
            headers[name] = name.Equals("Set-Cookie", StringComparison.OrdinalIgnoreCase)
                ? new JsonArray(values.Select(v => (JsonNode?)v).ToArray())
                : values.FirstOrDefault();
        }
        return headers;
    }

    // The encoding a TEXT return format reads the body with; null for any other format.
    private static Encoding? TextEncoding(ReturnFormat? format)
    {
        if (format?.Choice is not { } choice || !choice.Equals("TEXT", StringComparison.OrdinalIgnoreCase))
            return null;
        try
        {
            return Encoding.GetEncoding(string.IsNullOrWhiteSpace(format.Encoding) ? "utf-8" : format.Encoding);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            // NotSupportedException: a name .NET knows and refuses (UTF-7).
            throw new ConnectorInputException("InvalidEncoding", $"'{format.Encoding}' is not a character encoding this host knows") { Field = "documentReturnFormat.encoding" };
        }
    }

    private static async Task<JsonNode?> BodyAsync(HttpResponseMessage response, Encoding? textEncoding, string target, CancellationToken cancellationToken)
    {
        var bytes = await ResponseReader.BytesAsync(response.Content, target, cancellationToken);
        if (textEncoding is not null)
            return JsonValue.Create(textEncoding.GetString(bytes));
        var text = Encoding.UTF8.GetString(bytes);
        if (string.IsNullOrWhiteSpace(text))
            return null;
        try
        {
            return JsonAnswer.Parse(text);
        }
        catch (JsonException)
        {
            return JsonValue.Create(text);
        }
    }

    /// <summary>Closes the pooled connections so the plugin can unload.</summary>
    public void Dispose()
    {
        _followingClient.Dispose();
        _directClient.Dispose();
        _tls.Dispose();
        _pool.Dispose();
    }
}
