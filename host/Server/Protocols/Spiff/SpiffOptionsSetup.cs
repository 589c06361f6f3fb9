using Switchboard.Host.Hosting;
using Switchboard.Host.Logging;
using Microsoft.Extensions.Options;

namespace Switchboard.Host.Protocols.Spiff;

/// <summary>Binds <see cref="SpiffOptions"/> from <c>Switchboard:Spiff</c>, normalises the base path and validates the
/// result at start, each problem naming its setting.</summary>
internal sealed class SpiffOptionsSetup(IConfigurationSection section) : IConfigureOptions<SpiffOptions>, IPostConfigureOptions<SpiffOptions>, IValidateOptions<SpiffOptions>
{
    private const string Prefix = SpiffOptions.Section + ":";

    public void Configure(SpiffOptions options)
    {
        SettingsBinding.Bind(section, options);
    }

    /// <summary>"connector-proxy/" and "/connector-proxy" both become "/connector-proxy"; "" and "/" mean none.</summary>
    public void PostConfigure(string? name, SpiffOptions options)
    {
        var trimmed = options.BasePath?.Trim().Trim('/');
        options.BasePath = string.IsNullOrEmpty(trimmed) ? null : "/" + trimmed;
    }

    public ValidateOptionsResult Validate(string? name, SpiffOptions options)
    {
        var problems = new List<string>();
        if (section["ApiKey"] is { } key && string.IsNullOrWhiteSpace(key))
            problems.Add($"{Prefix}ApiKey is set but empty: set a real key, or remove the setting to leave the SpiffWorkflow routes open");
        if (options.CallbackRetries < 1)
            problems.Add($"{Prefix}CallbackRetries must be at least 1, not {options.CallbackRetries}");
        foreach (var (setting, value) in new[]
                 {
                     (nameof(options.CallbackRetryDelay), options.CallbackRetryDelay), (nameof(options.CallbackAttemptTimeout), options.CallbackAttemptTimeout),
                     (nameof(options.CallbackDrainTimeout), options.CallbackDrainTimeout), (nameof(options.CallbackFinalDeliveryTimeout), options.CallbackFinalDeliveryTimeout),
                 })
            if (value <= TimeSpan.Zero)
                problems.Add($"{Prefix}{setting} must be a positive time span such as 00:00:05, not {value}");
        if (options.CallbackMaxRetryDelay < options.CallbackRetryDelay)
            problems.Add($"{Prefix}CallbackMaxRetryDelay must not be below CallbackRetryDelay");
        if (options.CallbackMaxConcurrentCalls < 1)
            problems.Add($"{Prefix}CallbackMaxConcurrentCalls must be at least 1, not {options.CallbackMaxConcurrentCalls}");
        if (options.CallbackMaxPendingCalls < 1)
            problems.Add($"{Prefix}CallbackMaxPendingCalls must be at least 1, not {options.CallbackMaxPendingCalls}");
        if (options.CallbackMaxPendingBytes < 1)
            problems.Add($"{Prefix}CallbackMaxPendingBytes must be at least 1, not {options.CallbackMaxPendingBytes}");
        if (options.MaxBodyBytes < 1024)
            problems.Add($"{Prefix}MaxBodyBytes must be at least 1024, not {options.MaxBodyBytes}");
        foreach (var origin in options.CorsOrigins.Concat(options.CallbackOrigins))
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
                problems.Add($"{Prefix}CorsOrigins / CallbackOrigins: origin '{LoggableUrl.OfSetting(origin)}' must be an absolute http or https URL such as http://localhost:7001");
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
