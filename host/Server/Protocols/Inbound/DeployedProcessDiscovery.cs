using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Switchboard.Host.Logging;
using Switchboard.Host.Protocols.Zeebe;

namespace Switchboard.Host.Protocols.Inbound;

/// <summary>Finds the inbound elements of the deployed processes, as Camunda's runtime does: every
/// <see cref="InboundOptions.PollingInterval"/> it searches the latest process definitions through the orchestration
/// cluster REST API, reads each new one's BPMN, and replaces the discovered activations (a newer version of a process
/// replaces the older one's). Off without <see cref="ZeebeOptions.RestAddress"/>.</summary>
internal sealed class DeployedProcessDiscovery(IOptions<ZeebeOptions> zeebe, IOptions<InboundOptions> inbound, IHttpClientFactory clients,
    ActivationRegistry registry, ILogger<DeployedProcessDiscovery> logger) : BackgroundService
{
    private const int PageSize = 100;
    private readonly Dictionary<string, IReadOnlyList<Activation>> _byDefinitionKey = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (zeebe.Value.RestAddress is not { } rest)
            return;
        var baseAddress = new Uri(rest.TrimEnd('/') + "/");
        logger.LogInformation("Inbound activations are discovered from the deployed processes at {RestAddress} every {IntervalMs} ms",
            LoggableUrl.Of(baseAddress), (int)inbound.Value.PollingInterval.TotalMilliseconds);
        using var timer = new PeriodicTimer(inbound.Value.PollingInterval);
        do
        {
            try
            {
                await DiscoverAsync(baseAddress, stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // The last activations found keep serving; the next round tries again.
                logger.LogWarning(e, "Inbound discovery at {RestAddress} failed; the activations found before keep serving", LoggableUrl.Of(baseAddress));
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task DiscoverAsync(Uri baseAddress, CancellationToken cancellationToken)
    {
        var client = clients.CreateClient(ZeebeServices.RestClientName);
        var keys = new List<string>();
        for (var from = 0; ; from += PageSize)
        {
            var search = new JsonObject { ["filter"] = new JsonObject { ["isLatestVersion"] = true }, ["page"] = new JsonObject { ["from"] = from, ["limit"] = PageSize } };
            using var response = await client.PostAsJsonAsync(new Uri(baseAddress, "v2/process-definitions/search"), search, cancellationToken);
            response.EnsureSuccessStatusCode();
            var items = (await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken))?["items"]?.AsArray() ?? [];
            keys.AddRange(items.Select(i => i?["processDefinitionKey"]?.ToString()).OfType<string>());
            if (items.Count < PageSize)
                break;
        }
        foreach (var key in keys.Where(k => !_byDefinitionKey.ContainsKey(k)))
        {
            var xml = await client.GetStringAsync(new Uri(baseAddress, $"v2/process-definitions/{Uri.EscapeDataString(key)}/xml"), cancellationToken);
            try
            {
                _byDefinitionKey[key] = BpmnActivations.Parse(xml).ToList();
            }
            // Whatever one definition's BPMN makes the reader throw (bad XML, a bad duration, an id used twice) skips that
            // definition alone: the others are still served.
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning("Process definition {ProcessDefinitionKey} is skipped for inbound: its BPMN cannot be read: {Reason}", key, e.Message);
                _byDefinitionKey[key] = [];
            }
        }
        // Definitions no longer latest (a newer version was deployed) or gone drop out with their activations.
        foreach (var gone in _byDefinitionKey.Keys.Except(keys).ToList())
            _byDefinitionKey.Remove(gone);
        var activations = _byDefinitionKey.Values.SelectMany(a => a).ToList();
        if (registry.SetDiscovered(activations))
            logger.LogInformation("Inbound activations found in deployed processes: {Activations}",
                // As one value: a lone array argument would be taken for the whole argument list, and only its first item shown.
                (object)activations.Select(a => $"{a.Id} ({a.ConnectorType}) on /inbound/{a.Context}").ToArray());
    }
}
