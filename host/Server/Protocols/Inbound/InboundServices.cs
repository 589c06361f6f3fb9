using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Switchboard.Host.Hosting;
using Switchboard.Host.Protocols.Zeebe;

namespace Switchboard.Host.Protocols.Inbound;

/// <summary>Registers the inbound adapter: configured activations (validated at start), correlation and the webhook route.</summary>
public static class InboundServices
{
    /// <summary>Adds inbound connectors: activations from <c>Switchboard:Inbound:Activations</c>, served at
    /// <c>/inbound/{context}</c> and correlated through the Zeebe adapter's gateway connection.</summary>
    public static ISwitchboardBuilder AddInbound(this ISwitchboardBuilder builder)
    {
        builder.Services.AddOptions<InboundOptions>().BindSettings(builder.Configuration.GetSection(InboundOptions.Section)).ValidateOnStart();
        // One instance for both roles: validation reports what post-configuration found.
        builder.Services.ConfigureOptions(new InboundOptionsSetup(builder.Configuration));
        builder.Services.AddSingleton<InboundCorrelator>();
        builder.Services.AddSingleton<ActivationRegistry>();
        builder.Services.AddHostedService<DeployedProcessDiscovery>();
        builder.Services.AddSingleton<WebhookHandler>();
        builder.Services.AddSingleton<InboundActivity>();
        builder.Services.AddSingleton<CursorStore>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ActivationServices>();
        builder.Services.AddSingleton<InboundRunner>();
        builder.Services.AddSingleton<InboundListing>();
        builder.Services.AddSingleton<IHostJob, ActivationTask>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<InboundRunner>());
        builder.Services.AddSingleton(new ProtocolRoutes("inbound", app =>
        {
            app.MapGet("/inbound", (InboundListing listing) => Results.Json(listing.Describe()));
            app.MapMethods("/inbound/{context}", ["GET", "POST", "PUT", "PATCH", "DELETE"],
                (HttpContext http, string context, WebhookHandler handler) => handler.HandleAsync(http, context));
        }));
        return builder;
    }
}
