using System.Reflection;
using Switchboard.Abstractions;
using Switchboard.Abstractions.Inbound;

namespace Switchboard.TestPlugins.HostileInbound;

/// <summary>A webhook connector that misbehaves, by <c>mode</c>: <c>syncblock</c> blocks the request's thread for good;
/// <c>status</c> answers with the status <c>count</c> through <see cref="WebhookResult.Respond"/>, <c>forgedstatus</c>
/// the same by building the result itself (as a plugin built against an abstractions without the range check could);
/// <c>nullresult</c> yields no result; <c>selfref</c> and <c>throwinggetter</c> answer with a body that cannot be
/// written (it contains itself; a property throws); <c>hold</c> drops <c>&lt;activation id&gt;-&lt;guid&gt;.held</c> into its folder
/// and answers 200 only once a file <c>release</c> is there; <c>disposeblock</c> answers 200, then blocks its
/// <c>Dispose</c> for good; <c>rejectsecret</c> and <c>respondsecret</c> quote the secret <c>token</c> in a refusal's
/// message and in an answer's body; <c>pid</c> answers 200 with the id of the process it runs in (<c>{"pid": n}</c>);
/// <c>failfast</c> ends its process with <c>Environment.FailFast</c>; <c>ok</c> answers 200. Its constructor blocks for good when the plugin's configuration says
/// <c>Constructor=block</c>.</summary>
[InboundConnector("test.switchboard:hostile-webhook:1", Name = "Hostile webhook")]
public sealed class HostileWebhook : IWebhookConnector<HostileProperties>, IDisposable
{
    private string? _mode;

    public HostileWebhook(IPluginContext plugin)
    {
        if (plugin.Configuration["Constructor"] == "block")
            Thread.Sleep(Timeout.Infinite);
    }

    public void Dispose()
    {
        if (_mode == "disposeblock")
            Thread.Sleep(Timeout.Infinite);
    }

    public Task<WebhookResult> HandleAsync(HostileProperties properties, WebhookRequest request, IInboundContext context)
    {
        _mode = properties.Mode;
        switch (properties.Mode)
        {
            case "syncblock":
                Thread.Sleep(Timeout.Infinite);
                break;
            case "pid":
                return Task.FromResult(WebhookResult.Respond(200, new { pid = Environment.ProcessId }));
            case "failfast":
                Environment.FailFast("the hostile webhook ends its process");
                break;
            case "status":
                return Task.FromResult(WebhookResult.Respond(properties.Count, new { ok = true }));
            case "forgedstatus":
                return Task.FromResult(Forged(properties.Count));
            case "nullresult":
                return Task.FromResult<WebhookResult>(null!);
            case "selfref":
                var list = new List<object?>();
                list.Add(list);
                return Task.FromResult(WebhookResult.Respond(200, list));
            case "throwinggetter":
                return Task.FromResult(WebhookResult.Respond(200, new ThrowingBody()));
            case "hold":
                return HoldAsync(context);
            case "rejectsecret":
                return Task.FromResult(WebhookResult.Reject(401, $"the token {properties.Token} is not the one expected"));
            case "respondsecret":
                return Task.FromResult(WebhookResult.Respond(200, new { expected = properties.Token, note = $"expected {properties.Token}" }));
        }
        return Task.FromResult(WebhookResult.Respond(200, new { ok = true }));
    }

    // Tells the test it is running, then waits for the test to let it go; through files, since the plugin's types live
    // in a load context of their own, where the test's cannot reach them.
    private static async Task<WebhookResult> HoldAsync(IInboundContext context)
    {
        File.WriteAllText(Path.Combine(context.PluginDirectory, $"{context.ActivationId}-{Guid.NewGuid():N}.held"), "");
        var release = Path.Combine(context.PluginDirectory, "release");
        while (!File.Exists(release))
            await Task.Delay(20, context.CancellationToken);
        return WebhookResult.Respond(200, new { released = true });
    }

    private static WebhookResult Forged(int status) => (WebhookResult)typeof(WebhookResult)
        .GetConstructors(BindingFlags.NonPublic | BindingFlags.Instance).Single()
        .Invoke([WebhookDecision.Respond, status, null, new { ok = true }]);
}

public sealed class ThrowingBody
{
    public string Secret => throw new InvalidOperationException("this body cannot be read");
}
