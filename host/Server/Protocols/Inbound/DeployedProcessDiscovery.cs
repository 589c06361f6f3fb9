using System.Globalization;
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
    ActivationRegistry registry, ILogger<DeployedProcessDiscovery> logger, Zeebe.Secrets.ISecretProvider? secrets = null) : BackgroundService
{
    private const int PageSize = 100;

    // Far above any cluster's latest definitions; a search that goes on past it is broken or hostile, and following it
    // kept a core busy and grew the host's memory without end (115,000 pages in 50 s).
    private const int MaxDefinitions = 10_000;

    // A page of 100 definitions is some tens of kilobytes and a process's BPMN some hundreds at most: an answer larger
    // than this is refused rather than held in memory whole.
    private const int MaxAnswerBytes = 16 * 1024 * 1024;
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
        var keys = new HashSet<string>(StringComparer.Ordinal);
        for (var from = 0; ; from += PageSize)
        {
            if (from >= MaxDefinitions)
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"the process definition search goes on past {MaxDefinitions:N0} definitions, ")
                    + "more than the host reads in one round; the search is not followed further");
            var search = new JsonObject { ["filter"] = new JsonObject { ["isLatestVersion"] = true }, ["page"] = new JsonObject { ["from"] = from, ["limit"] = PageSize } };
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseAddress, "v2/process-definitions/search")) { Content = JsonContent.Create(search) };
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            response.EnsureSuccessStatusCode();
            var answer = await BoundedContent.ReadAsync(response.Content, MaxAnswerBytes, cancellationToken)
                ?? throw new InvalidOperationException($"a page of the process definition search is larger than {MaxAnswerBytes / (1024 * 1024)} MiB");
            var items = JsonNode.Parse(answer)?["items"]?.AsArray() ?? [];
            var added = 0;
            foreach (var item in items)
                if (item?["processDefinitionKey"]?.ToString() is { } key && keys.Add(key))
                    added++;
            // A short page is the last one; so is a page of definitions already seen (a search that starts over).
            if (items.Count < PageSize || added == 0)
                break;
        }
        foreach (var key in keys.Where(k => !_byDefinitionKey.ContainsKey(k)))
        {
            using var response = await client.GetAsync(new Uri(baseAddress, $"v2/process-definitions/{Uri.EscapeDataString(key)}/xml"),
                HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            response.EnsureSuccessStatusCode();
            if (await BoundedContent.ReadAsync(response.Content, MaxAnswerBytes, cancellationToken) is not { } bytes)
            {
                logger.LogWarning("Process definition {ProcessDefinitionKey} is skipped for inbound: its BPMN is larger than {MaxMiB} MiB", key, MaxAnswerBytes / (1024 * 1024));
                _byDefinitionKey[key] = [];
                continue;
            }
            // As GetStringAsync reads it: UTF-8, without the byte order mark some exporters write.
            var xml = System.Text.Encoding.UTF8.GetString(bytes.AsSpan().StartsWith("\uFEFF"u8) ? bytes.AsSpan(3) : bytes);
            try
            {
                // Secrets are put in once, when a definition is read: an unchanged round then hands back the same activations.
                _byDefinitionKey[key] = BpmnActivations.Parse(xml).Select(a => ActivationSecrets.Apply(a, secrets)).ToList();
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
