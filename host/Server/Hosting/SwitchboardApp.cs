using Microsoft.AspNetCore.HostFiltering;
using Switchboard.Host.Logging;
using Switchboard.Host.Protocols.Csp;
using Switchboard.Host.Protocols.Spiff;
using Switchboard.Host.Protocols.Inbound;
using Switchboard.Host.Protocols.Refusals;
using Switchboard.Host.Protocols.Zeebe;

namespace Switchboard.Host.Hosting;

/// <summary>Builds the host: configuration, logging, catalog, pipeline and every protocol's endpoints.</summary>
public static class SwitchboardApp
{
    /// <summary>Creates the application from command-line arguments (<c>--plugins</c>, <c>--urls</c>, any configuration key).</summary>
    /// <param name="args">The command line.</param>
    /// <param name="logOutput">Where log lines go instead of the console (tests read the host's real log lines there).</param>
    /// <param name="protocols">Adds the protocols to serve; all of them (CSP, Spiff, Zeebe, inbound) when null.</param>
    public static WebApplication Create(string[] args, TextWriter? logOutput = null, Action<ISwitchboardBuilder>? protocols = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        LastGoodSettingsFiles.Use(builder.Configuration);
        builder.Configuration.AddCommandLine(args, SwitchboardServices.SwitchMappings);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]))
            builder.WebHost.UseUrls("http://localhost:8080");
        else
            CheckUrls(builder.Configuration["urls"]!);
        // The generic host reads this key itself and falls back to its default, unseen, on a value it cannot parse.
        if (builder.Configuration["shutdownTimeoutSeconds"] is { Length: > 0 } shutdown
            && (!int.TryParse(shutdown, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
                || seconds > Core.Describing.LongestWait.Seconds))
            throw new StartupProblem($"shutdownTimeoutSeconds must be a whole number of seconds from 0 to {Core.Describing.LongestWait.Seconds}, not '{Logging.LogValueSanitizer.Escape(shutdown, 100)}'");
        builder.AddSwitchboardLogging(logOutput);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // Above the limits the protocols enforce themselves, so those refusals get a body in the protocol's form.
            kestrel.Limits.MaxRequestLineSize = ProtocolStatusPages.KestrelRequestLineLimit;
            kestrel.Limits.MaxRequestHeadersTotalSize = ProtocolStatusPages.KestrelHeadersLimit;
            // Kestrel's limits as ASP.NET Core documents them (Kestrel:Limits:RequestHeadersTimeout, ...); an operator's choice wins.
            SettingsBinding.Bind(builder.Configuration.GetSection("Kestrel:Limits"), kestrel.Limits);
            // What Kestrel still refuses itself gets the protocol's error form too.
            kestrel.ConfigureEndpointDefaults(KestrelRefusalTransport.Use);
        });
        // AllowedHosts (a defence against DNS rebinding) runs inside the protocols' refusal pages rather than before them
        // (see ProtocolStatusPages), so a host name it refuses is answered in the protocol's form instead of an HTML page.
        // The filter is internal to ASP.NET Core, so it is found by name; the test of AllowedHosts fails if it is not.
        if (builder.Services.FirstOrDefault(s => s.ServiceType == typeof(IStartupFilter)
                && s.ImplementationType?.Name == "HostFilteringStartupFilter") is { } hostFiltering)
            builder.Services.Remove(hostFiltering);
        builder.Services.Configure<HostFilteringOptions>(filtering => filtering.IncludeFailureMessage = false);
        var switchboard = builder.Services.AddSwitchboard(builder.Configuration);
        if (protocols is null)
            switchboard.AddCsp().AddSpiff().AddZeebe().AddInbound();
        else
            protocols(switchboard);

        var app = builder.Build();
        LastGoodSettingsFiles.Report(app.Configuration, app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(LastGoodSettingsFiles).FullName!));
        return app.MapSwitchboard();
    }

    // Kestrel reads the addresses only when it starts, and one it cannot parse ended the host unhandled, with its stack.
    private static void CheckUrls(string urls)
    {
        foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            try
            {
                Microsoft.AspNetCore.Http.BindingAddress.Parse(url);
            }
            catch (FormatException)
            {
                throw new StartupProblem($"--urls (or ASPNETCORE_URLS) '{Logging.LoggableUrl.OfSetting(url)}' is not an address to listen on, such as http://localhost:8080 or http://0.0.0.0:8080");
            }
        }
    }
}
