using Switchboard.Host.Hosting;
using Switchboard.Host.Callbacks;
using System.Net.Http.Headers;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Retry;
using Polly.Telemetry;

namespace Switchboard.Host.Protocols.Spiff;

/// <summary>Registers the SpiffWorkflow proxy: options, command index, callback client with retries, CORS policy.</summary>
public static class SpiffServices
{
    /// <summary>Name of the CORS policy built from <see cref="SpiffOptions.CorsOrigins"/>.</summary>
    public const string CorsPolicy = "Switchboard.Spiff";

    private const string RetryPipeline = "spiff-callback";

    /// <summary>Adds the SpiffWorkflow connector-proxy adapter: <c>/v1/commands</c>, <c>/v1/do</c>, callbacks (options from <c>Switchboard:Spiff</c>) and its health check.</summary>
    public static ISwitchboardBuilder AddSpiff(this ISwitchboardBuilder builder)
    {
        var options = Read(builder.Configuration.GetSection(SpiffOptions.Section));
        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton<SpiffCommandIndex>();
        services.AddSingleton<SpiffDoHandler>();
        services.AddSingleton<SpiffCallbackMetrics>();
        services.AddSingleton<SpiffCallbackSender>();
        services.AddHostedService(sp => sp.GetRequiredService<SpiffCallbackSender>());

        // One line per retry, written by the sender; the client's and Polly's own per-attempt lines would repeat it.
        services.Configure<TelemetryOptions>(telemetry =>
        {
            var previous = telemetry.SeverityProvider;
            telemetry.SeverityProvider = args => args.Source.PipelineName?.EndsWith("-" + RetryPipeline, StringComparison.Ordinal) == true
                ? ResilienceEventSeverity.None
                : previous?.Invoke(args) ?? args.Event.Severity;
        });
        services.AddHttpClient(SpiffCallbackSender.ClientName, client =>
            {
                client.Timeout = Timeout.InfiniteTimeSpan; // the resilience handler's timeouts apply
                client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("switchboard", "1.0"));
                if (!string.IsNullOrEmpty(options.CallbackBearerToken))
                    client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.CallbackBearerToken);
                if (!string.IsNullOrEmpty(options.CallbackApiKey))
                    client.DefaultRequestHeaders.Add("SpiffWorkflow-Api-Key", options.CallbackApiKey);
            })
            .RemoveAllLoggers()
            .AddResilienceHandler(RetryPipeline, (pipeline, context) =>
            {
                // The default predicate retries what is transient: 5xx, 408, 429, timeouts and connection failures; a 400
                // such as not_waiting_for_callback or callback_not_found is final.
                pipeline.AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = options.CallbackRetries,
                    Delay = options.CallbackRetryDelay,
                    MaxDelay = options.CallbackMaxRetryDelay,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    ShouldRetryAfterHeader = false,
                    DelayGenerator = args => new ValueTask<TimeSpan?>(RetryAfter.Capped(args.Outcome.Result, options.CallbackMaxRetryDelay)),
                    OnRetry = context.ServiceProvider.GetRequiredService<SpiffCallbackSender>().OnRetryAsync,
                });
                pipeline.AddTimeout(options.CallbackAttemptTimeout);
            });

        if (options.CorsOrigins.Length > 0)
            services.AddCors(cors => cors.AddPolicy(CorsPolicy, policy => policy
                .WithOrigins(options.CorsOrigins)
                .WithMethods("GET", "POST")
                .WithHeaders("Content-Type", CredentialFilter.SpiffApiKeyHeader)));
        services.AddSingleton(new ProtocolRoutes("spiff", app => app.MapSpiff()));
        services.AddHealthChecks().AddCheck<SpiffHealthCheck>("spiff");
        return builder;
    }

    private static SpiffOptions Read(IConfigurationSection section)
    {
        var options = new SpiffOptions();
        section.Bind(options);
        if (section["ApiKey"] is { } key && string.IsNullOrWhiteSpace(key))
            throw new InvalidOperationException($"{SpiffOptions.Section}:ApiKey is set but empty: set a real key, or remove the setting to leave the SpiffWorkflow routes open.");
        if (options.CallbackRetries < 1)
            throw new InvalidOperationException($"{SpiffOptions.Section}:CallbackRetries must be at least 1.");
        if (options.CallbackRetryDelay <= TimeSpan.Zero || options.CallbackAttemptTimeout <= TimeSpan.Zero)
            throw new InvalidOperationException($"{SpiffOptions.Section}: CallbackRetryDelay and CallbackAttemptTimeout must be positive.");
        if (options.CallbackMaxConcurrentCalls < 1 || options.CallbackMaxPendingCalls < 1)
            throw new InvalidOperationException($"{SpiffOptions.Section}: CallbackMaxConcurrentCalls and CallbackMaxPendingCalls must be at least 1.");
        if (options.CallbackDrainTimeout <= TimeSpan.Zero || options.CallbackFinalDeliveryTimeout <= TimeSpan.Zero)
            throw new InvalidOperationException($"{SpiffOptions.Section}: CallbackDrainTimeout and CallbackFinalDeliveryTimeout must be positive.");
        if (options.MaxBodyBytes < 1024)
            throw new InvalidOperationException($"{SpiffOptions.Section}:MaxBodyBytes must be at least 1024.");
        foreach (var origin in options.CorsOrigins.Concat(options.CallbackOrigins))
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
                throw new InvalidOperationException($"{SpiffOptions.Section}: origin '{origin}' must be an absolute http or https URL such as http://localhost:7001.");
        options.BasePath = NormalizeBasePath(options.BasePath);
        return options;
    }

    /// <summary>"connector-proxy/" and "/connector-proxy" both become "/connector-proxy"; "" and "/" mean none.</summary>
    private static string? NormalizeBasePath(string? path)
    {
        var trimmed = path?.Trim().Trim('/');
        return string.IsNullOrEmpty(trimmed) ? null : "/" + trimmed;
    }
}
