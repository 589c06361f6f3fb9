using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace Switchboard.Host.Callbacks;

/// <summary>The one way a protocol's callback HTTP client is made: never following redirects, with no timeout of its
/// own (its resilience handler times each attempt, the receiver's answer included), reading at most
/// <see cref="CallbackAnswer.MaxBytes"/> of that answer, and without the HTTP client's own log lines (the sender writes
/// one per event, naming its call).</summary>
internal static class CallbackClient
{
    /// <summary>Adds the named callback client with the protocol's resilience pipeline <paramref name="retry"/> (see
    /// <see cref="CallbackRetry"/>); <paramref name="configure"/> adds what the protocol sends with every callback.</summary>
    public static void Add(IServiceCollection services, string name, string pipelineName,
        Action<ResiliencePipelineBuilder<HttpResponseMessage>, ResilienceHandlerContext> retry, Action<IServiceProvider, HttpClient>? configure = null)
    {
        var client = services.AddHttpClient(name, (provider, client) =>
            {
                client.Timeout = Timeout.InfiniteTimeSpan;
                configure?.Invoke(provider, client);
            })
            // The target was checked against the protocol's allowed hosts or origins; a redirect would lead the callback,
            // with the credentials it carries, wherever the receiver points. A redirect is an answer, final as any 3xx.
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false })
            .RemoveAllLoggers();
        client.AddResilienceHandler(pipelineName, retry);
        // Added after the resilience handler, so inside it: the attempt timeout covers reading the answer too, and a
        // receiver that answers slowly or without end fails its attempt like one that never answers.
        client.AddHttpMessageHandler(() => new CallbackAnswer());
    }
}
