using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Switchboard.Host.Hosting;

namespace Switchboard.Benchmarks;

/// <summary>One request to the real host with the shipped plugins, against bare Kestrel answering the very bytes the host answered.</summary>
internal abstract class HostScenario(string pluginsDirectory) : IScenario
{
    private WebApplication? _host;
    private IAsyncDisposable? _bare;
    private FloorEndpoint? _floor;

    /// <summary>Name of the target under test in the results.</summary>
    protected abstract string Name { get; }

    /// <summary>The route the request is posted to.</summary>
    protected abstract string Path { get; }

    /// <summary>The request body, sent as JSON.</summary>
    protected abstract byte[] Request { get; }

    /// <summary>A fragment the host's answer must hold, so a benchmark never measures an error.</summary>
    protected abstract string ExpectedFragment { get; }

    public string Description { get; private set; } = "";

    /// <summary>Host settings from the command line (<c>--isolation process</c> runs the plugins in worker processes).</summary>
    public string[] ExtraSettings { get; set; } = [];

    /// <summary>More host settings (<c>--key=value</c>) the scenario needs, e.g. a gateway to publish to.</summary>
    protected virtual Task<string[]> SettingsAsync() => Task.FromResult(Array.Empty<string>());

    /// <summary>Stops what <see cref="SettingsAsync"/> started.</summary>
    protected virtual ValueTask StopExtrasAsync() => ValueTask.CompletedTask;

    public async Task<(LoadTarget Subject, LoadTarget Baseline)> StartAsync()
    {
        _host = SwitchboardApp.Create(["--plugins", pluginsDirectory, "--urls", "http://127.0.0.1:0", "--Switchboard:Log:Level=Warning", .. ExtraSettings, .. await SettingsAsync()]);
        await _host.StartAsync();
        var address = new Uri(_host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        var url = new Uri(address, Path);

        using var client = new HttpClient();
        using var content = new ByteArrayContent(Request);
        content.Headers.ContentType = new("application/json");
        using var probe = await client.PostAsync(url, content);
        var answer = await probe.Content.ReadAsByteArrayAsync();
        var text = Encoding.UTF8.GetString(answer);
        if (!probe.IsSuccessStatusCode || !text.Contains(ExpectedFragment))
            throw new InvalidOperationException($"the host did not answer as expected: {(int)probe.StatusCode} {text}");
        var (baselineName, baselineUrl, baseline, what) = await BaselineAsync(answer);
        _bare = baseline;

        Description = $"POST {Path} on the real host, against {what} returning the same {answer.Length}-byte body: {text}";
        if (WithFloor)
        {
            _floor = await FloorEndpoint.StartAsync(Path, Request, answer);
            Floor = new LoadTarget("minimal json", _floor.Url, Request, 200, answer.Length);
            Description += "; and a minimal JSON endpoint on bare Kestrel that reads and parses the request, adds the numbers and writes the same answer";
        }
        return (new LoadTarget(Name, url, Request, 200, answer.Length), new LoadTarget(baselineName, baselineUrl, Request, 200, answer.Length));
    }

    /// <summary>Also measure <see cref="FloorEndpoint"/> (<c>--floor yes</c>): the work any endpoint for this call must do.</summary>
    public bool WithFloor { get; set; }

    /// <summary>The minimal JSON endpoint, once started with <see cref="WithFloor"/>.</summary>
    public LoadTarget? Floor { get; private set; }

    /// <summary>Compare with a second host running its plugins in-process (<c>--baseline inprocess</c>, with
    /// <c>--isolation process</c>): the cost of process isolation in one run.</summary>
    public bool InProcessBaseline { get; set; }

    /// <summary>The endpoint the host is compared with: by default bare Kestrel answering <paramref name="answer"/> with no work.</summary>
    protected virtual async Task<(string Name, Uri Url, IAsyncDisposable Endpoint, string Description)> BaselineAsync(byte[] answer)
    {
        if (InProcessBaseline)
        {
            var other = SwitchboardApp.Create(["--plugins", pluginsDirectory, "--urls", "http://127.0.0.1:0", "--Switchboard:Log:Level=Warning", .. await SettingsAsync()]);
            await other.StartAsync();
            var address = new Uri(other.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
            return ("switchboard inprocess", new Uri(address, Path), new StoppingHost(other), "the same host with its plugins in-process");
        }
        var bare = await BareEndpoint.StartAsync(Path, answer);
        return ("bare kestrel", bare.Url, bare, "a bare Kestrel endpoint");
    }

    public async ValueTask DisposeAsync()
    {
        if (_bare is not null)
            await _bare.DisposeAsync();
        if (_floor is not null)
            await _floor.DisposeAsync();
        if (_host is not null)
        {
            await _host.StopAsync();
            await _host.DisposeAsync();
        }
        await StopExtrasAsync();
    }

    private sealed class StoppingHost(WebApplication app) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
