using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Switchboard.Tests.Csp;
using Switchboard.Tests.Infrastructure;
using Switchboard.Tests.Spiff;

namespace Switchboard.Tests.Http;

/// <summary>The host with the shipped Http and Smtp plugins, for calls whose input is written by whoever feeds the process.</summary>
public sealed class ShippedPluginAttackFixture : IAsyncLifetime
{
    private readonly PluginSandbox _sandbox = new();

    public RunningHost Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _sandbox.Add(Repository.ShippedPlugin("Http"));
        _sandbox.Add(Repository.ShippedPlugin("Smtp"));
        Host = await RunningHost.StartAsync(_sandbox.Directory);
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        _sandbox.Dispose();
    }
}

/// <summary>Attack round eighteen (B): what a call's input (a process variable, perhaps typed by an end user) can make
/// the shipped connectors put on the wire.</summary>
public sealed class ShippedPluginAttackTests(ShippedPluginAttackFixture fixture) : IClassFixture<ShippedPluginAttackFixture>
{
    private const string SmuggledBody = "0\r\n\r\nGET /admin HTTP/1.1\r\nHost: internal\r\n\r\n";

    // A Transfer-Encoding header the caller wrote that .NET does not take as chunked went out as written: beside a
    // Content-Length (RFC 9112 6.1: a sender MUST NOT send both), or on a GET with no body at all, after which the pool
    // sends the next call's request (another caller's, with its credentials) on the same connection. A server or proxy
    // that frames such a request by its Transfer-Encoding takes the next request as this one's body: request smuggling,
    // chosen by whoever writes the headers of one call.
    [Theory]
    [InlineData("PostRequestV2", "xchunked")]
    [InlineData("PostRequestV2", "identity")]
    [InlineData("GetRequestV2", "xchunked")]
    [InlineData("CamundaRestRequest", "xchunked")]
    [InlineData("CamundaRestRequestGet", "xchunked")]
    public async Task A_Transfer_Encoding_header_from_the_input_never_goes_out_unless_it_frames_the_body(string command, string transferEncoding)
    {
        await using var upstream = new RawHttpUpstream();
        var input = command switch
        {
            "PostRequestV2" => new JsonObject
            {
                ["url"] = upstream.Url,
                ["headers"] = new JsonObject { ["Transfer-Encoding"] = transferEncoding },
                ["body_format"] = "raw",
                ["data"] = SmuggledBody,
                ["timeout_seconds"] = 10,
            },
            "GetRequestV2" => new JsonObject
            {
                ["url"] = upstream.Url,
                ["headers"] = new JsonObject { ["Transfer-Encoding"] = transferEncoding },
                ["timeout_seconds"] = 10,
            },
            _ => new JsonObject
            {
                ["method"] = command == "CamundaRestRequest" ? "POST" : "GET",
                ["url"] = upstream.Url,
                ["headers"] = new JsonObject { ["Content-Type"] = "text/plain", ["Transfer-Encoding"] = transferEncoding },
                ["body"] = SmuggledBody,
                ["readTimeoutInSeconds"] = 10,
            },
        };

        var call = await SpiffCall.DoAsync(fixture.Host.Http, "http/" + (command == "CamundaRestRequestGet" ? "CamundaRestRequest" : command), input.ToJsonString());

        if (call.Json["error"] is not null && !upstream.Received.IsCompleted)
        {
            // Refusing the header before anything is sent is a fine answer.
            call.Json["error"]!["error_code"]!.GetValue<string>().Should().BeOneOf(["InvalidHeader", "InvalidParameters"], call.Text);
            return;
        }
        var head = await upstream.Received.WaitAsync(TimeSpan.FromSeconds(10));
        var lines = head.Split("\r\n");
        var transfer = lines.Where(l => l.StartsWith("Transfer-Encoding:", StringComparison.OrdinalIgnoreCase)).ToList();
        var length = lines.Where(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)).ToList();
        var codings = transfer.Select(l => l["Transfer-Encoding:".Length..].Trim()).ToList();
        codings.Should().OnlyContain(c => c.Equals("chunked", StringComparison.OrdinalIgnoreCase),
            "a Transfer-Encoding the request is not framed by tells the next server to read a body that is not there, or not so. The request that went out:\n" + head);
        (transfer.Count > 0 && length.Count > 0).Should().BeFalse(
            "a request with both Transfer-Encoding and Content-Length is framed one way by one server and the other way by the next. The request that went out:\n" + head);
    }

    // A bare CR in a body went into the DATA stream as it was: "<CR>.<CR>" is the end of data for some receiving servers
    // (SMTP smuggling), so an end user's text could end the message and start a forged one, from any sender, on the
    // sending account. RFC 5321 2.3.8: CR and LF must only occur together as CRLF.
    [Theory]
    [InlineData("email_body", "Thanks!\r.\rMAIL FROM:<ceo@bank.example>\r")]
    [InlineData("email_body", "Thanks!\r.\nMAIL FROM:<ceo@bank.example>\n")]
    [InlineData("email_body_html", "<p>Thanks!</p>\r.\rMAIL FROM:<ceo@bank.example>\r")]
    public async Task A_bare_CR_in_an_email_body_never_reaches_the_SMTP_data_stream(string field, string text)
    {
        await using var server = new RawSmtpServer();
        var input = new JsonObject
        {
            ["smtp_host"] = "127.0.0.1",
            ["smtp_port"] = server.Port,
            // Not what the test is about: a clean-clone CI run, its machine loaded, once had a reply take over 10 s.
            ["smtp_timeout_seconds"] = 60,
            ["email_subject"] = "Your request",
            ["email_to"] = "ada@example.com",
            ["email_from"] = "Support <support@switchboard.test>",
            ["email_body"] = "Thanks!",
        };
        input[field] = text;

        var answer = await fixture.Host.Http.PostAsync(CspCall.Request(1, "io.switchboard:smtp:1", input));

        if (answer.Error is not null && !server.Data.IsCompleted)
        {
            answer.ErrorCode.Should().Be(-32602, "refusing the input is fine, failing otherwise is not: " + answer.Text);
            return;
        }
        var data = await server.Data.WaitAsync(TimeSpan.FromSeconds(60));
        var bare = Enumerable.Range(0, data.Length).Where(i => data[i] == '\r' && (i + 1 == data.Length || data[i + 1] != '\n')).ToList();
        bare.Should().BeEmpty("a CR not followed by LF in the DATA stream lets a receiving server that ends data at <CR>.<CR> take the rest as "
            + "new SMTP commands. The data sent:\n" + data.Replace("\r", "<CR>").Replace("\n", "<LF>\n"));
    }
    // The dashboard and its data are served only to requests that reach the host on loopback, so a host on a public
    // address does not show them. The Http connector runs inside the host: a URL from one call's input reaches the
    // dashboard's data from loopback, and with it what other callers' calls left there (their error messages: the
    // hosts, paths and recipients they used). The data now needs a key (made for each run, or a protocol's secret),
    // which a caller writing a URL does not have.
    [Theory]
    [InlineData("GetRequestV2")]
    [InlineData("CamundaRestRequest")]
    public async Task A_URL_from_the_input_does_not_read_the_hosts_loopback_only_dashboard_with_other_callers_calls(string command)
    {
        // Another caller's call, failing with the address it tried in its message (a server that never answers).
        var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        try
        {
            var port = ((IPEndPoint)silent.LocalEndpoint).Port;
            var victim = await SpiffCall.DoAsync(fixture.Host.Http, "http/GetRequestV2",
                new JsonObject { ["url"] = $"http://127.0.0.1:{port}/payroll/alice-private-report", ["timeout_seconds"] = 1 }.ToJsonString());
            victim.Json["error"]!["error_code"]!.GetValue<string>().Should().Be("HttpTimeout", victim.Text);
        }
        finally
        {
            silent.Stop();
        }

        var state = new Uri(fixture.Host.Address, "/ui/api/state").ToString();
        var call = await SpiffCall.DoAsync(fixture.Host.Http, "http/" + command, (command == "GetRequestV2"
            ? new JsonObject { ["url"] = state, ["timeout_seconds"] = 10 }
            : new JsonObject { ["method"] = "GET", ["url"] = state, ["readTimeoutInSeconds"] = 10 }).ToJsonString());

        call.Text.Should().NotContain("alice-private-report",
            "the dashboard's data is for whoever sits at the host's own machine, not for any caller who can write a URL into a call");
    }
}

/// <summary>The Spiff HTTP commands' own timeout, up to an hour, against HttpClient's default of 100 s.</summary>
public sealed class SlowUpstreamTests(ShippedPluginAttackFixture fixture) : IClassFixture<ShippedPluginAttackFixture>
{
    // timeout_seconds may be up to 3600; the clients kept HttpClient's default of 100 s, so a request allowed more failed
    // at 100 s as the connector's own failure (a TaskCanceledException), not as HttpTimeout and not within its time. This
    // test takes 101 s, most of it waiting on a socket.
    [Fact]
    public async Task A_request_allowed_more_than_100_seconds_gets_an_answer_that_takes_longer()
    {
        using var slow = new TcpListener(IPAddress.Loopback, 0);
        slow.Start();
        var serving = Task.Run(async () =>
        {
            using var client = await slow.AcceptTcpClientAsync();
            var stream = client.GetStream();
            var buffer = new byte[4096];
            _ = await stream.ReadAsync(buffer);
            await Task.Delay(TimeSpan.FromSeconds(101));
            await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 13\r\nConnection: close\r\n\r\n{\"late\":true}"));
        });
        using var patient = new HttpClient { BaseAddress = fixture.Host.Address, Timeout = TimeSpan.FromMinutes(5) };

        var call = await SpiffCall.DoAsync(patient, "http/GetRequestV2", new JsonObject
        {
            ["url"] = $"http://127.0.0.1:{((IPEndPoint)slow.LocalEndpoint).Port}/report",
            ["timeout_seconds"] = 200,
        }.ToJsonString());

        call.Json["error"].Should().BeNull(call.Text);
        await serving;
    }
}

/// <summary>An HTTP/1.1 server on a loopback port that records the first request's head as it arrived and answers 200.</summary>
internal sealed class RawHttpUpstream : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new(TimeSpan.FromSeconds(120));
    private readonly TaskCompletionSource<string> _received = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _serving;

    public RawHttpUpstream()
    {
        _listener.Start();
        Url = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/submit";
        _serving = Task.Run(ServeAsync);
    }

    public string Url { get; }

    /// <summary>The first request's head (request line and headers), as sent.</summary>
    public Task<string> Received => _received.Task;

    private async Task ServeAsync()
    {
        try
        {
            using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            var stream = client.GetStream();
            var bytes = new List<byte>();
            var buffer = new byte[8192];
            int end;
            while ((end = IndexOfHeadEnd(bytes)) < 0)
            {
                var read = await stream.ReadAsync(buffer, _stop.Token);
                if (read == 0)
                    return;
                bytes.AddRange(buffer.AsSpan(0, read));
            }
            _received.TrySetResult(Encoding.Latin1.GetString(bytes.ToArray(), 0, end));
            // Whatever the body: the answer ends the exchange and the connection.
            await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"u8.ToArray(), _stop.Token);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
        {
        }
    }

    private static int IndexOfHeadEnd(List<byte> bytes)
    {
        for (var i = 0; i + 3 < bytes.Count; i++)
            if (bytes[i] == '\r' && bytes[i + 1] == '\n' && bytes[i + 2] == '\r' && bytes[i + 3] == '\n')
                return i;
        return -1;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _serving;
        _stop.Dispose();
    }
}

/// <summary>A minimal SMTP server on a loopback port that keeps the DATA of one message byte for byte (a line reader
/// would take a bare CR for a line end and hide it).</summary>
internal sealed class RawSmtpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new(TimeSpan.FromSeconds(30));
    private readonly TaskCompletionSource<string> _data = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _serving;

    public RawSmtpServer()
    {
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _serving = Task.Run(ServeAsync);
    }

    public int Port { get; }

    /// <summary>The message data as sent, up to (not including) the final CRLF.CRLF.</summary>
    public Task<string> Data => _data.Task;

    private async Task ServeAsync()
    {
        try
        {
            using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            var stream = client.GetStream();
            async Task Say(string line) => await stream.WriteAsync(Encoding.ASCII.GetBytes(line + "\r\n"), _stop.Token);
            await Say("220 raw ESMTP");
            var pending = new StringBuilder();
            var buffer = new byte[8192];
            var inData = false;
            while (true)
            {
                var read = await stream.ReadAsync(buffer, _stop.Token);
                if (read == 0)
                    return;
                pending.Append(Encoding.Latin1.GetString(buffer, 0, read));
                if (inData)
                {
                    var text = pending.ToString();
                    var end = text.IndexOf("\r\n.\r\n", StringComparison.Ordinal);
                    if (end < 0)
                        continue;
                    _data.TrySetResult(text[..end]);
                    pending.Clear().Append(text[(end + 5)..]);
                    inData = false;
                    await Say("250 2.0.0 queued");
                }
                while (!inData && pending.ToString().IndexOf("\r\n", StringComparison.Ordinal) is var eol and >= 0)
                {
                    var line = pending.ToString()[..eol];
                    pending.Remove(0, eol + 2);
                    var verb = line.Split(' ')[0].ToUpperInvariant();
                    switch (verb)
                    {
                        case "EHLO":
                            await Say("250-raw\r\n250 8BITMIME");
                            break;
                        case "DATA":
                            await Say("354 go ahead");
                            inData = true;
                            break;
                        case "QUIT":
                            await Say("221 bye");
                            return;
                        default:
                            await Say("250 ok");
                            break;
                    }
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _serving;
        _stop.Dispose();
    }
}

/// <summary>The shipped Webhook plugin's API key check, from the side of whoever sends the request.</summary>
public sealed class ShippedWebhookAttackTests : IAsyncLifetime
{
    private readonly PluginSandbox _sandbox = new();
    private Switchboard.ZeebeTestGateway.TestGatewayServer _gateway = null!;
    private RunningHost _host = null!;

    public async Task InitializeAsync()
    {
        _gateway = await Switchboard.ZeebeTestGateway.TestGatewayServer.StartAsync();
        _gateway.Gateway.Deploy("orders");
        _sandbox.Add(Repository.ShippedPlugin("Webhook"));
        _host = await RunningHost.StartAsync(_sandbox.Directory,
            "Switchboard:Catalog:Watch=false",
            "Switchboard:Zeebe:Address=" + _gateway.Address,
            "Switchboard:Inbound:Activations:keyed:inbound.type=io.camunda:webhook:1",
            "Switchboard:Inbound:Activations:keyed:bpmnProcessId=orders",
            "Switchboard:Inbound:Activations:keyed:inbound.auth.type=APIKEY",
            "Switchboard:Inbound:Activations:keyed:inbound.auth.apiKey=key-S3cret-r18");
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _gateway.DisposeAsync();
        _sandbox.Dispose();
    }

    // The API key locator is FEEL over the request, body included: a body whose object repeats a key (JSON that parses,
    // and throws when its members are read) made the check throw, so a request without the key was answered as the
    // connector failing (500, logged as an error with its stack) instead of 401.
    [Fact]
    public async Task A_request_with_a_wrong_API_key_and_a_body_repeating_a_key_is_refused_401_not_a_connector_failure()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/inbound/keyed")
        {
            Content = new StringContent("""{"id":1,"id":2}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new("Bearer", "not-the-key");

        using var response = await _host.Http.SendAsync(request);

        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized, body);
        _gateway.Gateway.Instances.Should().BeEmpty();
    }
}
