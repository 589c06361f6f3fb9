using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Switchboard.Abstractions;

namespace Switchboard.Plugins.Http;

/// <summary>Sends one request (GET and HEAD on the retrying client) and turns the answer into a response or a stable <c>HttpError&lt;status&gt;</c>.</summary>
internal sealed class RequestSender(HttpClient retrying, HttpClient singleShot)
{
    public Task<ConnectorResponse> SendAsync(HttpMethod method, HttpReadInput input, HttpWriteInput? write, IConnectorContext context) =>
        SendAsync(method, input, write, context.Logger, context.CancellationToken);

    /// <summary>Sends the request, for an outbound call or an inbound poll alike.</summary>
    public async Task<ConnectorResponse> SendAsync(HttpMethod method, HttpReadInput input, HttpWriteInput? write, ILogger logger, CancellationToken cancellationToken)
    {
        var url = RequestBuilder.Url(input);
        using var request = new HttpRequestMessage(method, url) { Content = write is null ? null : RequestBuilder.Body(write) };
        RequestBuilder.AddHeaders(request, input);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(input.TimeoutSeconds));
        request.Options.Set(RetryHandler.Deadline, Stopwatch.GetTimestamp() + input.TimeoutSeconds * Stopwatch.Frequency);
        // Only scheme, host, port and path are logged or returned: the user part, query strings and headers often carry credentials.
        var target = RequestBuilder.Loggable(url);
        var started = Stopwatch.GetTimestamp();
        try
        {
            // Headers first: the body is read by ResponseReader, which bounds it (HttpClient's own buffer allows 2 GB).
            using var response = await (write is null ? retrying : singleShot).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            var status = (int)response.StatusCode;
            logger.LogInformation("{Method} {Target} answered {Status} in {ElapsedMs} ms",
                method.Method, target, status, Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 1));
            var mediaType = response.Content.Headers.ContentType?.MediaType;
            var body = method == HttpMethod.Head ? new JsonObject() : await ResponseReader.BodyAsync(response.Content, mediaType, $"{method} {target}", deadline.Token);
            if (status >= 300)
                throw new ConnectorException($"HttpError{status}", $"{method} {target} answered {status} {response.ReasonPhrase}",
                    retryable: status is 408 or 429 or >= 500, details: body) { StatusCode = status is >= 400 and <= 599 ? status : 502 };
            return new ConnectorResponse(body, status)
            {
                MediaType = mediaType ?? "application/json",
                Headers = input.IncludeResponseHeaders ? ResponseReader.Headers(response) : null,
            };
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new ConnectorException("HttpTimeout", $"{method} {target} did not answer within {input.TimeoutSeconds} s", retryable: true) { StatusCode = 504 };
        }
        catch (HttpRequestException e)
        {
            throw new ConnectorException("HttpConnectionFailed", $"{method} {target} failed: {e.HttpRequestError}: {e.Message}", retryable: true) { StatusCode = 502 };
        }
        catch (IOException e)
        {
            // The connection failed while the body was read.
            throw new ConnectorException("HttpConnectionFailed", $"{method} {target} failed while its answer was read: {e.Message}", retryable: true) { StatusCode = 502 };
        }
    }
}
