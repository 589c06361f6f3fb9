using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Host.Catalog;
using Switchboard.Host.Hosting;

namespace Switchboard.Tests.Infrastructure;

/// <summary>The real host on a loopback port, serving a given plugins folder.</summary>
public sealed class RunningHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RunningHost(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
        Http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
    }

    public Uri Address { get; }
    public HttpClient Http { get; }
    public IServiceProvider Services => _app.Services;
    public PluginCatalog Catalog => _app.Services.GetRequiredService<PluginCatalog>();

    /// <summary>A key the dashboard's data accepts here: the one the host made for this run, or a configured secret.</summary>
    public string DashboardKey => _app.Services.GetRequiredService<Switchboard.Host.Dashboard.DashboardKeys>().Accepted[0];

    /// <summary>The dashboard's address as the host logs it, its key after <c>#</c>.</summary>
    public string DashboardAddress => new Uri(Address, "/ui/").ToString() + "#key=" + DashboardKey;

    /// <summary>GET of a dashboard path (<c>/ui/api/state</c>) with the dashboard's key, as the page sends it.</summary>
    public async Task<HttpResponseMessage> DashboardGetAsync(string path, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new("Bearer", DashboardKey);
        return await Http.SendAsync(request, completion);
    }

    /// <summary>The process id of the worker serving <paramref name="plugin"/>, as <c>/plugins</c> lists it; 0 when the
    /// plugin runs in the host's process or has no worker now.</summary>
    public async Task<int> WorkerProcessIdAsync(string plugin)
    {
        var plugins = (await Http.GetFromJsonAsync<System.Text.Json.Nodes.JsonArray>("/plugins"))!;
        return plugins.Single(p => (string)p!["name"]! == plugin)!["isolation"]?["processId"]?.GetValue<int>() ?? 0;
    }

    /// <summary>The health <c>GET /inbound</c> gives for an inbound activation: the one with <paramref name="id"/>, or
    /// the only one.</summary>
    public async Task<System.Text.Json.Nodes.JsonNode> InboundHealthAsync(string? id = null)
    {
        var activations = (await Http.GetFromJsonAsync<System.Text.Json.Nodes.JsonArray>("/inbound"))!;
        return (id is null ? activations.Single() : activations.Single(a => (string)a!["id"]! == id))!["health"]!;
    }

    /// <summary>Waits for the only inbound activation to be down with a reason other than starting. Unless the caller is
    /// waiting for a poll to time out, a poll that ran past the call timeout is waited out too: on a loaded machine a
    /// first poll (JIT, binding) can take longer than a test's short timeout, and the activation polls again.</summary>
    public Task<System.Text.Json.Nodes.JsonNode> InboundDownAsync(string because, bool pollTimeout = false) =>
        Eventually.WaitFor(() => InboundHealthAsync(), h => (string)h["status"]! == "down" && (string?)h["reason"] is { } reason
            && reason != "starting" && (pollTimeout || !reason.StartsWith("the poll did not finish within ", StringComparison.Ordinal)), because: because);

    /// <summary>Starts the host with <c>--plugins</c> and a free port; extra <c>key=value</c> settings are passed as command-line configuration.</summary>
    public static Task<RunningHost> StartAsync(string pluginsDirectory, params string[] settings) => StartAsync(pluginsDirectory, null, settings);

    /// <summary>Starts the host as above, writing its log lines (the real Serilog output) to <paramref name="log"/>.</summary>
    public static Task<RunningHost> StartAsync(string pluginsDirectory, TextWriter? log, params string[] settings) =>
        StartAsync(pluginsDirectory, log, null, settings);

    /// <summary>Starts a host composed with only the protocols <paramref name="protocols"/> adds (all three when null).</summary>
    public static async Task<RunningHost> StartAsync(string pluginsDirectory, TextWriter? log, Action<ISwitchboardBuilder>? protocols, params string[] settings)
    {
        var args = new List<string>
        {
            "--plugins", pluginsDirectory,
            "--urls", "http://127.0.0.1:0",
            "--Switchboard:Catalog:QuietPeriod=00:00:00.300",
            "--Switchboard:Log:Level=Warning",
        };
        args.AddRange(settings.Select(s => "--" + s));
        var app = SwitchboardApp.Create(args.ToArray(), log, protocols);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new RunningHost(app, new Uri(address));
    }

    /// <summary>Starts the host as above with its log captured, runs <paramref name="act"/> against it, stops it and
    /// answers the log's lines. Stopping waits for running calls, jobs and callback deliveries, and so for what they log
    /// after their answer has gone out.</summary>
    public static async Task<string[]> LogOfAsync(string pluginsDirectory, Func<RunningHost, Task> act, params string[] settings)
    {
        var log = new SharedLog();
        var host = await StartAsync(pluginsDirectory, log, settings);
        try
        {
            await act(host);
        }
        finally
        {
            await host.DisposeAsync();
        }
        return log.ToString().Split('\n');
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
