using Switchboard.Host.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Switchboard.Host.Protocols.Zeebe.Secrets;

namespace Switchboard.Host.Protocols.Zeebe;

/// <summary>Registers the Zeebe job worker adapter and its options.</summary>
public static class ZeebeServices
{
    /// <summary>The HTTP client fetching OAuth tokens.</summary>
    public const string OAuthClientName = "zeebe-oauth";

    /// <summary>The HTTP client for the orchestration cluster REST API (<see cref="ZeebeOptions.RestAddress"/>): process
    /// discovery for inbound connectors, the document store for outbound ones; it sends the gateway's OAuth token.</summary>
    public const string RestClientName = "Switchboard.Zeebe.Rest";

    /// <summary>Adds the Zeebe job worker (options from <c>Switchboard:Zeebe</c>, validated at start) and its health check; off until a gateway address is set.</summary>
    public static ISwitchboardBuilder AddZeebe(this ISwitchboardBuilder builder)
    {
        builder.Services.AddOptions<ZeebeOptions>()
            .BindSettings(builder.Configuration.GetSection(ZeebeOptions.Section))
            .Validate(o => o.MaxJobsActive > 0, "Switchboard:Zeebe:MaxJobsActive must be positive")
            .Validate(o => o.JobTimeout >= ZeebeOptions.ShortestJobTimeout, "Switchboard:Zeebe:JobTimeout must be at least 1 s")
            .Validate(o => o.RequestTimeout > TimeSpan.Zero && o.PollInterval > TimeSpan.Zero && o.CommandTimeout > TimeSpan.Zero,
                "Switchboard:Zeebe:RequestTimeout, CommandTimeout and PollInterval must be positive")
            .Validate(o => !string.IsNullOrWhiteSpace(o.WorkerName), "Switchboard:Zeebe:WorkerName must not be empty")
            .Validate(o => o.Streaming || o.Polling, "Switchboard:Zeebe:Streaming and Polling cannot both be off")
            .ValidateOnStart();
        builder.Services.ConfigureOptions(new ZeebeOptionsSetup(builder.Configuration));
        // TryAdd: a deployment that registers its own provider (a vault, say) first keeps it.
        builder.Services.TryAddSingleton<ISecretProvider>(sp => new EnvironmentSecretProvider(sp.GetRequiredService<IOptions<ZeebeOptions>>().Value.SecretPrefix));
        // Redirects are not followed: the POST carries the client secret, which must reach the configured endpoint only.
        builder.Services.AddHttpClient(OAuthClientName, client => client.Timeout = TimeSpan.FromSeconds(30))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false }).RemoveAllLoggers();
        builder.Services.AddTransient<RestAuthentication>();
        builder.Services.AddHttpClient(RestClientName, client => client.Timeout = TimeSpan.FromSeconds(30))
            .AddHttpMessageHandler<RestAuthentication>().RemoveAllLoggers();
        // The workers' pauses between polls run on it; TryAdd, as inbound does, so one clock serves the host.
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ZeebeWorkers>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ZeebeWorkers>());
        builder.Services.AddHealthChecks().AddCheck<ZeebeHealthCheck>("zeebe");
        return builder;
    }
}
