using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Switchboard.Host.Hosting;

namespace Switchboard.Benchmarks;

/// <summary><c>io.switchboard:calculator:1</c> add over CSP on the real host, against bare Kestrel returning the same bytes.</summary>
internal sealed class CspScenario(string pluginsDirectory) : IScenario
{
    private const string Path = "/csp/connector";
    private static readonly byte[] Request = Encoding.UTF8.GetBytes(
        """{"jsonrpc":"2.0","id":99999999,"method":"io.switchboard:calculator:1","params":{"input":{"action":"add","a":5,"b":3}}}""");

    private WebApplication? _host;
    private BareEndpoint? _bare;

    public string Description { get; private set; } = "";

    public async Task<(LoadTarget Subject, LoadTarget Baseline)> StartAsync()
    {
        _host = SwitchboardApp.Create(["--plugins", pluginsDirectory, "--urls", "http://127.0.0.1:0", "--Switchboard:Log:Level=Warning"]);
        await _host.StartAsync();
        var address = new Uri(_host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        var url = new Uri(address, Path);

        // The baseline answers exactly what the host answers, so both move the same bytes.
        using var client = new HttpClient();
        using var probe = await client.PostAsync(url, new ByteArrayContent(Request));
        var answer = await probe.Content.ReadAsByteArrayAsync();
        var text = Encoding.UTF8.GetString(answer);
        if (!probe.IsSuccessStatusCode || !text.Contains("\"result\":8"))
            throw new InvalidOperationException($"the host did not answer the calculation: {(int)probe.StatusCode} {text}");
        _bare = await BareEndpoint.StartAsync(Path, answer);

        Description = $"io.switchboard:calculator:1 add via POST {Path} on the real host, against a bare Kestrel endpoint returning the same {answer.Length}-byte body: {text}";
        return (new LoadTarget("switchboard csp", url, Request, 200, answer.Length),
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
