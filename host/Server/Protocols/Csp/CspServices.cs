using Switchboard.Host.Hosting;
using Switchboard.Host.Callbacks;
using Microsoft.Extensions.Options;

namespace Switchboard.Host.Protocols.Csp;

/// <summary>Registers the CSP adapter: its options, request handler, callback sender and the callback HTTP client.</summary>
public static class CspServices
{
    /// <summary>Adds the CSP adapter: <c>POST /csp/connector</c>, the listings, callbacks (options from <c>Switchboard:Csp</c>, validated at start) and its health check.</summary>
    public static ISwitchboardBuilder AddCsp(this ISwitchboardBuilder builder)
    {
        builder.Services.AddOptions<CspOptions>()
            .BindSettings(builder.Configuration.GetSection(CspOptions.Section))
            .Validate(o => o.BearerToken is null || !string.IsNullOrWhiteSpace(o.BearerToken),
                "Switchboard:Csp:BearerToken is set but empty: set a real token, or remove the setting to leave the CSP routes open")
            .Validate(o => o.MaxBodyBytes > 0, "Switchboard:Csp:MaxBodyBytes must be positive")
            .Validate(o => o.MaxDepth is > 0 and <= Core.Binding.JsonDepth.Max, $"Switchboard:Csp:MaxDepth must be between 1 and {Core.Binding.JsonDepth.Max}")
            .Validate(o => o.MaxBatchSize > 0, "Switchboard:Csp:MaxBatchSize must be positive")
            .Validate(o => o.Callback.MaxAttempts > 0, "Switchboard:Csp:Callback:MaxAttempts must be at least 1")
            .Validate(o => o.Callback.FirstRetryDelay > TimeSpan.Zero && o.Callback.MaxRetryDelay >= o.Callback.FirstRetryDelay,
                "Switchboard:Csp:Callback:FirstRetryDelay must be positive and not above MaxRetryDelay")
            .Validate(o => o.Callback.AttemptTimeout > TimeSpan.Zero, "Switchboard:Csp:Callback:AttemptTimeout must be positive")
            .Validate(o => o.Callback.MaxConcurrentCalls > 0 && o.Callback.MaxPendingCalls > 0,
                "Switchboard:Csp:Callback:MaxConcurrentCalls and MaxPendingCalls must be positive")
            .Validate(o => o.Callback.MaxPendingBytes > 0, "Switchboard:Csp:Callback:MaxPendingBytes must be positive")
            .ValidateOnStart();
        // Each entry is named with its problem, which a fixed message above could not do.
        builder.Services.AddSingleton<IValidateOptions<CspOptions>>(new CallbackHostsValidation());

        builder.Services.AddSingleton<CspCallbackMetrics>();
        builder.Services.AddSingleton<CspRequestHandler>();
        builder.Services.AddSingleton<CspCallbackSender>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<CspCallbackSender>());
        CallbackClient.Add(builder.Services, CspCallbackSender.HttpClientName, "csp-callback", CspCallbackRetry.Configure);
        builder.Services.AddSingleton(new ProtocolRoutes("csp", app => app.MapCsp()));
        CallbackHealthCheck.Add<CspCallbackMetrics>(builder.Services, "csp");
        return builder;
    }
}

/// <summary>Refuses, at start, a <c>Switchboard:Csp:CallbackAllowedHosts</c> entry that can match no callback URL, naming it.</summary>
internal sealed class CallbackHostsValidation : IValidateOptions<CspOptions>
{
    public ValidateOptionsResult Validate(string? name, CspOptions options)
    {
        var problems = options.CallbackAllowedHosts
            .Select((entry, i) => CallbackTargets.EntryProblem(entry) is { } problem
                ? $"{CspOptions.Section}:CallbackAllowedHosts:{i} '{Logging.LoggableUrl.OfSetting(entry)}': {problem}"
                : null)
            .OfType<string>().ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
