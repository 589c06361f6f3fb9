namespace Switchboard.Host.Callbacks;

/// <summary>The one way a protocol's callback HTTP client is made: never following redirects, with no timeout of its
/// own (its resilience handler times each attempt) and without the HTTP client's own log lines (the sender writes one
/// per event, naming its call).</summary>
internal static class CallbackClient
{
    /// <summary>Adds the named callback client; <paramref name="configure"/> adds what the protocol sends with every callback.</summary>
    public static IHttpClientBuilder Add(IServiceCollection services, string name, Action<IServiceProvider, HttpClient>? configure = null) =>
        services.AddHttpClient(name, (provider, client) =>
            {
                client.Timeout = Timeout.InfiniteTimeSpan;
                configure?.Invoke(provider, client);
            })
            // The target was checked against the protocol's allowed hosts or origins; a redirect would lead the callback,
            // with the credentials it carries, wherever the receiver points. A redirect is an answer, final as any 3xx.
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false })
            .RemoveAllLoggers();
}
