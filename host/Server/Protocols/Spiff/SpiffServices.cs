using Switchboard.Host.Hosting;
using Switchboard.Host.Callbacks;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.Options;

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
        var services = builder.Services;
        services.AddOptions<SpiffOptions>().ValidateOnStart();
        services.ConfigureOptions(new SpiffOptionsSetup(builder.Configuration.GetSection(SpiffOptions.Section)));
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<SpiffOptions>>().Value);
        services.AddSingleton<SpiffCommandIndex>();
        services.AddSingleton<SpiffDoHandler>();
        services.AddSingleton<SpiffCallbackMetrics>();
        services.AddSingleton<SpiffCallbackSender>();
        services.AddHostedService(sp => sp.GetRequiredService<SpiffCallbackSender>());

        CallbackClient.Add(services, SpiffCallbackSender.ClientName, RetryPipeline,
            (pipeline, context) =>
            {
                var options = context.ServiceProvider.GetRequiredService<SpiffOptions>();
                CallbackRetry.Configure(pipeline, options.CallbackRetries, options.CallbackRetryDelay, options.CallbackMaxRetryDelay,
                    options.CallbackAttemptTimeout, context.ServiceProvider.GetRequiredService<SpiffCallbackSender>().OnRetryAsync);
            },
            (provider, client) =>
            {
                var options = provider.GetRequiredService<SpiffOptions>();
                client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("switchboard", "1.0"));
                if (!string.IsNullOrEmpty(options.CallbackBearerToken))
                    client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.CallbackBearerToken.Trim());
                if (!string.IsNullOrEmpty(options.CallbackApiKey))
                    client.DefaultRequestHeaders.Add("SpiffWorkflow-Api-Key", options.CallbackApiKey.Trim()); // a mounted secret's newline cannot be sent
            });

        // The policy is built from the validated options when CORS first asks for it; MapSpiff turns CORS on only with origins set.
        services.AddCors();
        services.AddOptions<CorsOptions>().Configure<IOptions<SpiffOptions>>((cors, spiff) =>
        {
            if (spiff.Value.CorsOrigins.Length > 0)
                cors.AddPolicy(CorsPolicy, policy => policy
                    .WithOrigins(spiff.Value.CorsOrigins)
                    .WithMethods("GET", "POST")
                    .WithHeaders("Content-Type", CredentialFilter.SpiffApiKeyHeader));
        });
        services.AddSingleton(new ProtocolRoutes("spiff", app => app.MapSpiff()));
        CallbackHealthCheck.Add<SpiffCallbackMetrics>(services, "spiff");
        return builder;
    }
}
