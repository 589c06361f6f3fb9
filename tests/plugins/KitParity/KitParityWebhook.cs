using Switchboard.Abstractions;
using Switchboard.Abstractions.Inbound;

namespace Switchboard.TestPlugins.KitParity;

/// <summary>A webhook connector whose answers the kit and the host should treat alike, by <c>mode</c>:
/// <c>throwinggetter</c> answers directly with a body a property of which throws, <c>selfref</c> with a body that
/// contains itself; anything else answers 200 with <c>{"ok": true}</c>.</summary>
[InboundConnector("test.switchboard:kitparity-webhook:1", Name = "Kit parity webhook")]
public sealed class KitParityWebhook : IWebhookConnector<KitParityWebhookProperties>
{
    public Task<WebhookResult> HandleAsync(KitParityWebhookProperties properties, WebhookRequest request, IInboundContext context)
    {
        switch (properties.Mode)
        {
            case "throwinggetter":
                return Task.FromResult(WebhookResult.Respond(200, new UnreadableBody()));
            case "selfref":
                var list = new List<object?>();
                list.Add(list);
                return Task.FromResult(WebhookResult.Respond(200, list));
            default:
                return Task.FromResult(WebhookResult.Respond(200, new { ok = true }));
        }
    }
}

/// <summary>The activation's properties.</summary>
public sealed class KitParityWebhookProperties
{
    [Parameter("mode")]
    public string Mode { get; set; } = "ok";
}

/// <summary>A body that cannot be read: its one property throws.</summary>
public sealed class UnreadableBody
{
    public string Text => throw new InvalidOperationException("this body cannot be read");
}
