using System.Net.Sockets;
using System.Text;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Logging;

/// <summary>What a client gets wrong is logged as information, not as a warning for the operator to act on.</summary>
public sealed class ClientErrorLogLevelTests
{
    [Fact]
    public async Task A_CSP_client_that_closes_its_connection_halfway_through_the_body_is_logged_as_information_not_a_warning()
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.ShippedPlugin("Calculator"));
        var log = new StringWriter();
        await using var host = await RunningHost.StartAsync(sandbox.Directory, TextWriter.Synchronized(log), "Switchboard:Log:Level=Information");

        // Headers announcing 200 bytes, 10 of them sent, then the connection closed: a client that crashed or gave up.
        using (var client = new TcpClient())
        {
            await client.ConnectAsync(host.Address.Host, host.Address.Port);
            await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes(
                "POST /csp/connector HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{\"jsonrpc\""));
        }

        await Eventually.WaitFor(() => Refusals(log).Any(), because: "the cut-off request is logged");
        Refusals(log).Should().OnlyContain(l => l.Contains(" INF "), "a client's broken request is no warning for the operator");
    }

    private static List<string> Refusals(StringWriter log) =>
        log.ToString().Split('\n').Where(l => l.Contains("request refused") && l.Contains("body could not be read")).ToList();
}
