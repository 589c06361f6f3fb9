using System.Net;
using System.Text;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Inbound;

/// <summary>Webhook requests count against their connector's <c>MaxConcurrentCalls</c> / <c>MaxQueuedCalls</c> as
/// outbound calls do: past the running and waiting ones a request is refused at once with 503 and <c>Retry-After</c>,
/// logged once for the burst, instead of holding its thread until its timeout.</summary>
public sealed class WebhookConcurrencyTests : IAsyncLifetime
{
    private const int Running = 2, Waiting = 1, Refused = 4;
    private readonly PluginSandbox _sandbox = new();
    private readonly SharedLog _log = new();
    private string _plugin = null!;
    private RunningHost _host = null!;

    public async Task InitializeAsync()
    {
        _plugin = _sandbox.Add(Repository.TestPlugin("HostileInbound"));
        _host = await RunningHost.StartAsync(_sandbox.Directory, _log,
        [
            // Far beyond the test: a held request must wait for its release, not for its timeout.
            "Switchboard:Catalog:DefaultTimeout=00:02:00",
            "shutdownTimeoutSeconds=2",
            "Switchboard:Log:Level=Information",
            $"Plugins:HostileInbound:MaxConcurrentCalls={Running}",
            $"Plugins:HostileInbound:MaxQueuedCalls={Waiting}",
            "Switchboard:Inbound:Activations:hold:inbound.type=test.switchboard:hostile-webhook:1",
            "Switchboard:Inbound:Activations:hold:mode=hold",
            "Switchboard:Inbound:Activations:hold:messageName=m",
        ]);
    }

    public async Task DisposeAsync()
    {
        // Lets anything still held go, so the host stops at once.
        File.WriteAllText(Path.Combine(_plugin, "release"), "");
        await _host.DisposeAsync();
        _sandbox.Dispose();
    }

    private sealed record Answer(HttpStatusCode Status, string Body, TimeSpan? RetryAfter);

    private async Task<Answer> PostAsync()
    {
        using var response = await _host.Http.PostAsync("/inbound/hold", new StringContent("{}", Encoding.UTF8, "application/json"));
        return new Answer(response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers.RetryAfter?.Delta);
    }

    private int Held() => Directory.GetFiles(_plugin, "hold-*.held").Length;

    [Fact]
    public async Task Requests_past_the_running_and_waiting_ones_are_refused_at_once_and_the_held_ones_finish_when_released()
    {
        var requests = Enumerable.Range(0, Running + Waiting + Refused).Select(_ => PostAsync()).ToList();

        // Only a bound on a failing run: the refusals come as soon as the requests arrive.
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var pending = requests.ToList();
        var refused = new List<Answer>();
        while (refused.Count < Refused)
        {
            var done = await Task.WhenAny(pending).WaitAsync(guard.Token);
            pending.Remove(done);
            refused.Add(await done);
        }

        refused.Should().OnlyContain(a => a.Status == HttpStatusCode.ServiceUnavailable && a.RetryAfter != null && a.Body.Contains("\"errorCode\":\"Busy\""),
            string.Join(", ", refused));
        pending.Should().HaveCount(Running + Waiting).And.OnlyContain(t => !t.IsCompleted, "the limit's requests are held, not refused");
        await Eventually.WaitFor(() => Held() == Running, because: "the connector runs its limit's requests");
        Held().Should().Be(Running, "the waiting request does not run before a slot is free");
        _log.ToString().Split('\n').Count(l => l.Contains("is busy")).Should().Be(1, "a burst of refusals is logged once: " + _log);

        File.WriteAllText(Path.Combine(_plugin, "release"), "");
        var released = await Task.WhenAll(pending).WaitAsync(TimeSpan.FromSeconds(30));

        released.Should().OnlyContain(a => a.Status == HttpStatusCode.OK, string.Join(", ", released.Select(a => a.Body)));
        Held().Should().Be(Running + Waiting);
        _log.ToString().Should().Contain($"{Refused} requests were refused", "the burst's end says how many it refused");
    }
}
