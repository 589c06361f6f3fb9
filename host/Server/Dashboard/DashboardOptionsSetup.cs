using Switchboard.Host.Hosting;
using Microsoft.Extensions.Options;

namespace Switchboard.Host.Dashboard;

/// <summary>Binds <see cref="DashboardOptions"/> from <c>Switchboard:Dashboard</c> and validates them at start, each
/// problem naming its setting, as the protocols' options are.</summary>
/// <remarks>The options used to be bound where the services were added, so a value the binder could not convert
/// (<c>MaxFeedClients=abc</c>) ended the host with an unhandled exception and its stack instead of one line
/// (<see cref="SettingsBinding"/>).</remarks>
internal sealed class DashboardOptionsSetup(IConfigurationSection section) : IConfigureOptions<DashboardOptions>, IValidateOptions<DashboardOptions>
{
    private const string Prefix = DashboardOptions.Section + ":";

    public void Configure(DashboardOptions options)
    {
        SettingsBinding.Bind(section, options);
    }

    public ValidateOptionsResult Validate(string? name, DashboardOptions options)
    {
        var problems = new List<string>();
        if (options.MaxFeedClients < 1)
            problems.Add($"{Prefix}MaxFeedClients must be at least 1, not {options.MaxFeedClients}");
        if (RoutePathSetting.Problem(Prefix + "Path", options.Path, "/ui") is { } path)
            problems.Add(path);
        if (options.Key is { } key && (key.Length < 16 || key.Any(char.IsWhiteSpace)))
            problems.Add($"{Prefix}Key must be at least 16 characters without spaces (a key that can be guessed protects nothing); it is {key.Length} characters");
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
