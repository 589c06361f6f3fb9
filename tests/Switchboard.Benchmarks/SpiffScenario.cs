using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Switchboard.Host.Hosting;

namespace Switchboard.Benchmarks;

/// <summary><c>calculator/Calculate</c> through <c>/v1/do</c> on the real host with the body SpiffArena's backend sends, against bare Kestrel returning the same bytes.</summary>
internal sealed class SpiffScenario(string pluginsDirectory) : IScenario
{
    private const string Path = "/v1/do/calculator/Calculate";
    private static readonly byte[] Request = Encoding.UTF8.GetBytes("""
        {"action":"add","a":20,"b":22,"spiff__process_instance_id":42,"spiff__process_model_identifier":"group/model",
         "spiff__task_id":"88f9b549-2b2a-4a8e-9d29-4f7ef5b6c1aa","spiff__task_data":{"foo":1}}
        """);

    private WebApplication? _host;
    private BareEndpoint? _bare;

    public string Description { get; private set; } = "";

    public async Task<(LoadTarget Subject, LoadTarget Baseline)> StartAsync()
    {
        _host = SwitchboardApp.Create(["--plugins", pluginsDirectory, "--urls", "http://127.0.0.1:0", "--Switchboard:Log:Level=Warning"]);
        await _host.StartAsync();
        var address = new Uri(_host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        var url = new Uri(address, Path);

        using var client = new HttpClient();
        using var content = new ByteArrayContent(Request);
        content.Headers.ContentType = new("application/json");
        using var probe = await client.PostAsync(url, content);
        var answer = await probe.Content.ReadAsByteArrayAsync();
        var text = Encoding.UTF8.GetString(answer);
        if (!probe.IsSuccessStatusCode || !text.Contains("\"result\":42"))
            throw new InvalidOperationException($"the host did not answer the calculation: {(int)probe.StatusCode} {text}");
        _bare = await BareEndpoint.StartAsync(Path, answer);

        Description = $"calculator/Calculate via POST {Path} on the real host, against a bare Kestrel endpoint returning the same {answer.Length}-byte body: {text}";
        return (new LoadTarget("switchboard spiff", url, Request, 200, answer.Length),
            new LoadTarget("bare kestrel", _bare.Url, Request, 200, answer.Length));
    }

    public async ValueTask DisposeAsync()
    {
        if (_bare is not null)
            await _bare.DisposeAsync();
        if (_host is not null)
        {
            await _host.StopAsync();
            await _host.DisposeAsync();
        }
    }
}
