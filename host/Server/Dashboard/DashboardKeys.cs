using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Switchboard.Host.Protocols.Csp;
using Switchboard.Host.Protocols.Spiff;

namespace Switchboard.Host.Dashboard;

/// <summary>The secrets the dashboard's data accepts, decided once at start: the protocols' own (whoever may call
/// connectors may see them), <see cref="DashboardOptions.Key"/>, and, when none of those is set, a key made for this run
/// (<see cref="Made"/>), which the host logs with the dashboard's address.</summary>
/// <remarks>Loopback-only was the only guard before: a caller who chose the URL of an Http connector call read the
/// recent calls, other callers' error messages among them, from inside the host.</remarks>
internal sealed class DashboardKeys
{
    public DashboardKeys(DashboardOptions options, IServiceProvider services)
    {
        var accepted = new List<string>();
        if (services.GetService<IOptions<CspOptions>>()?.Value.BearerToken is { Length: > 0 } token)
            accepted.Add(token);
        if (services.GetService<SpiffOptions>()?.ApiKey is { Length: > 0 } key)
            accepted.Add(key);
        if (options.Key is { Length: > 0 } configured)
            accepted.Add(configured);
        if (accepted.Count == 0)
        {
            // 128 bits, URL-safe: it travels in the address's fragment, which browsers never send to a server.
            Made = System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));
            accepted.Add(Made);
        }
        Accepted = accepted;
    }

    /// <summary>Every secret the data accepts.</summary>
    public IReadOnlyList<string> Accepted { get; }

    /// <summary>The key made for this run, when no secret was configured.</summary>
    public string? Made { get; }
}
