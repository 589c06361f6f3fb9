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
        builder.Configuration.AddCommandLine(args, SwitchboardServices.SwitchMappings);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]))
            builder.WebHost.UseUrls("http://localhost:8080");
        builder.AddSwitchboardLogging(logOutput);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // Above the limits the protocols enforce themselves, so those refusals get a body in the protocol's form.
            kestrel.Limits.MaxRequestLineSize = ProtocolStatusPages.KestrelRequestLineLimit;
            kestrel.Limits.MaxRequestHeadersTotalSize = ProtocolStatusPages.KestrelHeadersLimit;
            // Kestrel's limits as ASP.NET Core documents them (Kestrel:Limits:RequestHeadersTimeout, ...); an operator's choice wins.
            builder.Configuration.GetSection("Kestrel:Limits").Bind(kestrel.Limits);
            // What Kestrel still refuses itself gets the protocol's error form too.
            kestrel.ConfigureEndpointDefaults(KestrelRefusalTransport.Use);
        });
        var switchboard = builder.Services.AddSwitchboard(builder.Configuration);
        if (protocols is null)
            switchboard.AddCsp().AddSpiff().AddZeebe().AddInbound();
        else
            protocols(switchboard);

        return builder.Build().MapSwitchboard();
    }
}
