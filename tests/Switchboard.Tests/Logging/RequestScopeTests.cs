using System.Diagnostics;
using System.Text;
using Newtonsoft.Json.Linq;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Logging;

/// <summary>ASP.NET Core's per-request log scope (request id and path on each line logged while a request is served)
/// cost every request an activity and a scope, logged or not: it is off unless <c>Switchboard:Log:RequestScope=true</c>.
/// A request that brings a <c>traceparent</c> still continues the caller's trace, so its lines carry the trace id; one
/// without gets no activity.</summary>
public sealed class RequestScopeTests
{
    [Theory]
    [InlineData(null, false, true, false)]
    [InlineData(null, false, false, false)]
    [InlineData("true", false, true, true)]
    [InlineData(null, true, true, false)]
    public async Task A_line_logged_during_a_request_carries_the_request_scope_only_when_asked_for_and_the_callers_trace_id(
        string? requestScope, bool exported, bool withTraceparent, bool scoped)
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.ShippedPlugin("Calculator"));
        var trace = ActivityTraceId.CreateRandom();
        var settings = new List<string> { "Switchboard:Log:Format=json", "Switchboard:Log:Level=Information" };
        if (requestScope is not null)
            settings.Add("Switchboard:Log:RequestScope=" + requestScope);
        if (exported)
            // Spans exported over OTLP (to a port nobody listens on: only that spans are made matters here).
            settings.Add("OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:" + LoopbackPort.Free());

        var lines = await RunningHost.LogOfAsync(sandbox.Directory, async host =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/csp/connector")
            {
                // An invalid input: the pipeline logs the failed call (Information) while the request is served.
                Content = new StringContent("""{"jsonrpc":"2.0","id":1,"method":"io.switchboard:calculator:1","params":{"input":{"action":"add","a":"one","b":2}}}""",
                    Encoding.UTF8, "application/json"),
            };
            if (withTraceparent)
                request.Headers.Add("traceparent", $"00-{trace}-{ActivitySpanId.CreateRandom()}-01");
            using var response = await host.Http.SendAsync(request);
            response.IsSuccessStatusCode.Should().BeTrue();
        }, [.. settings]);

        var failure = lines.Where(l => l.StartsWith('{')).Select(JObject.Parse)
            // Compact JSON leaves the level out for Information.
            .Should().ContainSingle(e => e.Value<string>("SourceContext")!.EndsWith("InvocationPipeline") && e["@l"] == null).Subject;
        failure.Value<string>("Protocol").Should().Be("Csp");
        if (scoped)
        {
            failure.Value<string>("RequestPath").Should().Be("/csp/connector");
            failure.Value<string>("RequestId").Should().NotBeNullOrEmpty();
        }
        else
        {
            failure.Should().NotContainKey("RequestId", "the request scope costs every request, so it is off unless asked for");
            failure.Should().NotContainKey("RequestPath");
        }
        if (withTraceparent)
            failure.Value<string>("@tr").Should().Be(trace.ToString(), "the request continues the caller's trace");
        else
            failure.Should().NotContainKey("@tr", "a request with no trace to continue and no span exported gets no activity");
    }
}
