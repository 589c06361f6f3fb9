namespace Switchboard.Host.Isolation;

/// <summary>What of the host's environment a worker process gets: what the .NET runtime, the system's libraries and a
/// plugin's outgoing network calls need, and nothing else.</summary>
/// <remarks>A worker runs a third party's code, and the host's environment holds the host's secrets: every Camunda
/// secret under the Zeebe adapter's secret prefix (a call's own secrets reach the worker with the call), the Zeebe
/// client's credentials, whatever else the operator exported. A plugin's own configuration reaches its worker through
/// <see cref="WorkerProcess.SettingsVariable"/>; a variable a plugin reads itself is given to it there
/// (<c>Plugins:&lt;Name&gt;:...</c>).</remarks>
internal static class WorkerEnvironment
{
    private static readonly HashSet<string> Names = new(StringComparer.OrdinalIgnoreCase)
    {
        "PATH", "HOME", "USER", "LOGNAME", "LANG", "LANGUAGE", "TZ", "TMPDIR",
        // Certificates and proxies an HTTP client honours; the proxy variables are read in either case.
        "SSL_CERT_FILE", "SSL_CERT_DIR", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY",
    };

    // The runtime's own settings (DOTNET_gcServer, DOTNET_ROOT, COMPlus_...) and the locale's categories.
    private static readonly string[] Prefixes = ["DOTNET_", "COMPlus_", "LC_"];

    /// <summary>Replaces <paramref name="environment"/> (a process start's, filled from the host's) with the part a
    /// worker gets.</summary>
    public static void Keep(IDictionary<string, string?> environment)
    {
        foreach (var name in environment.Keys.ToList())
            if (!Passes(name))
                environment.Remove(name);
    }

    /// <summary>Whether the variable <paramref name="name"/> passes to a worker.</summary>
    public static bool Passes(string name) =>
        Names.Contains(name) || Prefixes.Any(p => name.StartsWith(p, StringComparison.OrdinalIgnoreCase));
}
