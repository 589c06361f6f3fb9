using System.Diagnostics;
using System.Net;

namespace Switchboard.Plugins.Http;

/// <summary>Retries transient failures (408, 429, 5xx, connection failures) with jittered exponential backoff.</summary>
/// <remarks>Deliberately not Polly: building a Polly pipeline validates its options with DataAnnotations, which caches the
/// plugin's types in the framework's static TypeDescriptor and ValidationAttributeStore tables and so keeps the plugin's
/// collectible load context alive for good.</remarks>
internal sealed class RetryHandler(HttpMessageHandler inner, int maxRetries, TimeSpan baseDelay) : DelegatingHandler(inner)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            HttpResponseMessage response;
            try
            {
                response = await base.SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException) when (attempt < maxRetries && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(Backoff(attempt, null), cancellationToken);
                continue;
            }
            if (attempt >= maxRetries || !IsTransient(response.StatusCode))
                return response;
            var retryAfter = RetryAfter(response.Headers.RetryAfter);
            var delay = Backoff(attempt, retryAfter);
            // A pause the call cannot wait out is answered with the server's own status at once: waiting would end as a
            // timeout that says the server did not answer (and a Retry-After of 2147483647 s was beyond what a timer can
            // wait, which failed the call as the connector's bug).
            if (retryAfter > MaxRetryAfter || PastDeadline(request, delay))
                return response;
            response.Dispose();
            await Task.Delay(delay, cancellationToken);
        }
    }

    // Seconds, or an HTTP date (RFC 9110, 10.2.3): the date was taken for no Retry-After at all, and a server that asked
    // for an hour's pause was asked again twice within a second.
    private static TimeSpan? RetryAfter(System.Net.Http.Headers.RetryConditionHeaderValue? header) => header switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };

    /// <summary>When the call must be answered, as a <see cref="Stopwatch"/> timestamp: a retry that would start after it is not waited for.</summary>
    public static readonly HttpRequestOptionsKey<long> Deadline = new("switchboard.deadline");

    private static bool PastDeadline(HttpRequestMessage request, TimeSpan delay) =>
        request.Options.TryGetValue(Deadline, out var deadline) && Stopwatch.GetTimestamp() + (long)(delay.TotalSeconds * Stopwatch.Frequency) >= deadline;

    /// <summary>The longest <c>Retry-After</c> waited for before a retry.</summary>
    internal static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(30);

    private static bool IsTransient(HttpStatusCode status) =>
        (int)status >= 500 || status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;

    // baseDelay * 2^attempt, jittered by ±25%; a server's Retry-After wins.
    private TimeSpan Backoff(int attempt, TimeSpan? retryAfter) =>
        retryAfter ?? TimeSpan.FromMilliseconds(baseDelay.TotalMilliseconds * Math.Pow(2, attempt) * (0.75 + Random.Shared.NextDouble() * 0.5));
}
