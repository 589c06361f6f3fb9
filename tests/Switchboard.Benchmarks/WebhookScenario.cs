using System.Text;
using Switchboard.ZeebeTestGateway;

namespace Switchboard.Benchmarks;

/// <summary>A webhook request through the shipped Webhook plugin to PublishMessage on the in-memory test gateway
/// (correlation key and variables from FEEL), against a baseline of the same shape (<see cref="PublishingEndpoint"/>:
/// bare Kestrel publishing the same message), or with <c>--baseline bare</c> against bare Kestrel doing no work.</summary>
internal sealed class WebhookScenario(string pluginsDirectory, bool bareBaseline) : HostScenario(pluginsDirectory)
{
    private TestGatewayServer? _gateway;

    protected override string Name => "switchboard webhook";
    protected override string Path => "/inbound/bench";
    protected override string ExpectedFragment => "\"status\":\"published\"";

    protected override byte[] Request { get; } = Encoding.UTF8.GetBytes("""{"orderId":"order-42","amount":12.5}""");

    protected override async Task<string[]> SettingsAsync()
    {
        _gateway = await TestGatewayServer.StartAsync();
        const string activation = "--Switchboard:Inbound:Activations:bench:";
        return
        [
            "--Switchboard:Zeebe:Address=" + _gateway.Address,
            activation + "inbound.type=io.camunda:webhook:1",
            activation + "inbound.method=post",
            activation + "messageName=order-paid",
            activation + "correlationKeyExpression==request.body.orderId",
            activation + "resultExpression=={amount: request.body.amount}",
        ];
    }

    protected override async Task<(string Name, Uri Url, IAsyncDisposable Endpoint, string Description)> BaselineAsync(byte[] answer)
    {
        if (bareBaseline)
            return await base.BaselineAsync(answer);
        var publishing = await PublishingEndpoint.StartAsync(Path, answer, _gateway!.Address, "order-paid");
        return ("bare+publish", publishing.Url, publishing, "bare Kestrel publishing the same message to the same gateway");
    }

    protected override async ValueTask StopExtrasAsync()
    {
        if (_gateway is not null)
            await _gateway.DisposeAsync();
    }
}
