using Microsoft.Extensions.Options;
using Switchboard.Host.Hosting;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests;

/// <summary>Every protocol's options are validated when the host starts: a setting that cannot work stops it with the
/// setting named, instead of a worker failing later or a stack trace at registration.</summary>
public sealed class StartupSettingsTests
{
    [Theory]
    [InlineData("Switchboard:Catalog:DefaultTimeout=100.00:00:00", "Switchboard:Catalog:DefaultTimeout must be at most 49.17:02:47 (the longest wait the runtime's timers take), not 100.00:00:00")]
    [InlineData("Switchboard:Zeebe:DrainTimeout=100.00:00:00", "Switchboard:Zeebe:DrainTimeout must be at most 49.17:02:47")]
    [InlineData("Switchboard:Zeebe:DrainTimeout=-00:00:05", "Switchboard:Zeebe:DrainTimeout must not be negative (a time span such as 00:00:30), not -00:00:05")]
    [InlineData("Switchboard:Csp:Callback:DrainTimeout=-00:00:01", "Switchboard:Csp:Callback:DrainTimeout must not be negative")]
    [InlineData("Switchboard:Zeebe:PollInterval=100.00:00:00", "Switchboard:Zeebe:PollInterval must be at most 49.17:02:47")]
    [InlineData("Switchboard:Zeebe:RequestTimeout=10675199.00:00:00", "Switchboard:Zeebe:RequestTimeout must be at most 49.17:02:47")]
    [InlineData("Switchboard:Zeebe:CommandTimeout=10675199.00:00:00", "Switchboard:Zeebe:CommandTimeout must be at most 49.17:02:47")]
    [InlineData("Switchboard:Csp:Callback:DrainTimeout=100.00:00:00", "Switchboard:Csp:Callback:DrainTimeout must be at most 49.17:02:47")]
    [InlineData("Switchboard:Spiff:CallbackDrainTimeout=100.00:00:00", "Switchboard:Spiff:CallbackDrainTimeout must be at most 49.17:02:47")]
    [InlineData("Switchboard:Inbound:PollingInterval=100.00:00:00", "Switchboard:Inbound:PollingInterval must be at most 49.17:02:47")]
    [InlineData("Switchboard:Catalog:DrainTimeout=60.00:00:00", "Switchboard:Catalog:DrainTimeout must be at most 49.17:02:47")]
    [InlineData("Switchboard:Zeebe:Address=http://gateway:26500/zeebe", "Switchboard:Zeebe:Address 'http://gateway:26500/zeebe' is not a gateway address")]
    [InlineData("ZEEBE_ADDRESS=http://gateway:26500/zeebe", "Switchboard:Zeebe:Address 'http://gateway:26500/zeebe' is not a gateway address")]
    [InlineData("ZEEBE_INSECURE_CONNECTION=maybe", "ZEEBE_INSECURE_CONNECTION must be true or false, not 'maybe'")]
    [InlineData("urls=garbage", "--urls (or ASPNETCORE_URLS) 'garbage' is not an address to listen on")]
    [InlineData("shutdownTimeoutSeconds=-5", "shutdownTimeoutSeconds must be a whole number of seconds from 0 to 4294967, not '-5'")]
    [InlineData("shutdownTimeoutSeconds=abc", "shutdownTimeoutSeconds must be a whole number of seconds")]
    [InlineData("CAMUNDA_CLUSTER_ID=user:pw@127.0.0.1:47101/x#|CAMUNDA_CLUSTER_REGION=bru-2", "Switchboard:Zeebe:ClusterId (or CAMUNDA_CLUSTER_ID) must be a cluster id or region such as bru-2")]
    [InlineData("CAMUNDA_CLUSTER_ID=abc|CAMUNDA_CLUSTER_REGION=x:y", "Switchboard:Zeebe:Region (or CAMUNDA_CLUSTER_REGION) must be a cluster id or region")]
    [InlineData("ZEEBE_CLIENT_ID=switchboard", "Zeebe OAuth needs a client id, a client secret and an authorization server URL together")]
    [InlineData("Switchboard:Spiff:CallbackRetries=0", "Switchboard:Spiff:CallbackRetries must be at least 1")]
    [InlineData("Switchboard:Spiff:CallbackRetries=many", "Switchboard:Spiff:CallbackRetries")]
    [InlineData("Switchboard:Spiff:CorsOrigins:0=localhost", "origin 'localhost' must be an absolute http or https URL")]
    [InlineData("Switchboard:Csp:MaxBatchSize=0", "Switchboard:Csp:MaxBatchSize must be positive")]
    [InlineData("Switchboard:Csp:MaxBatchSize=abc", "Failed to convert configuration value 'abc' at 'Switchboard:Csp:MaxBatchSize'")]
    [InlineData("Switchboard:Zeebe:MaxJobsActive=abc", "Failed to convert configuration value 'abc' at 'Switchboard:Zeebe:MaxJobsActive'")]
    [InlineData("Switchboard:Inbound:PollingInterval=soon", "Failed to convert configuration value 'soon' at 'Switchboard:Inbound:PollingInterval'")]
    [InlineData("Switchboard:Telemetry:Prometheus=abc", "Failed to convert configuration value 'abc' at 'Switchboard:Telemetry:Prometheus'")]
    [InlineData("Kestrel:Limits:MaxConcurrentConnections=abc", "Failed to convert configuration value 'abc' at 'Kestrel:Limits:MaxConcurrentConnections'")]
    [InlineData("Switchboard:Log:Level=loud", "Switchboard:Log:Level must be Verbose, Debug, Information, Warning, Error or Fatal, not 'loud'")]
    [InlineData("Switchboard:Log:Level=3", "Switchboard:Log:Level must be")]
    [InlineData("Switchboard:Log:Format=xml", "Switchboard:Log:Format must be text or json, not 'xml'")]
    [InlineData("Switchboard:Log:MaxValueLength=5", "Switchboard:Log:MaxValueLength must be a whole number of characters, at least 20")]
    [InlineData("Switchboard:Log:RequestScope=maybe", "Switchboard:Log:RequestScope must be true or false, not 'maybe'")]
    [InlineData("Switchboard:Dashboard:MaxFeedClients=abc", "Switchboard:Dashboard:MaxFeedClients")]
    [InlineData("Switchboard:Dashboard:MaxFeedClients=0", "Switchboard:Dashboard:MaxFeedClients must be at least 1, not 0")]
    [InlineData("Switchboard:Dashboard:Enabled=maybe", "Switchboard:Dashboard:Enabled")]
    [InlineData("Switchboard:Dashboard:Path=/ui/{page}", "Switchboard:Dashboard:Path must be a path such as /ui")]
    [InlineData("Switchboard:Dashboard:Key=short", "Switchboard:Dashboard:Key must be at least 16 characters")]
    [InlineData("Switchboard:Dashboard:Path=ui", "Switchboard:Dashboard:Path must be a path such as /ui")]
    // Accepted, it answered every health probe 500: two endpoints for one route.
    [InlineData("Switchboard:Telemetry:MetricsPath=/health", "two endpoints serve /health")]
    [InlineData("Switchboard:Telemetry:MetricsPath=/Plugins/", "two endpoints serve /plugins")]
    [InlineData("Switchboard:Dashboard:Path=/health", "two endpoints serve /health")]
    [InlineData("Switchboard:Telemetry:MetricsPath=", "Switchboard:Telemetry:MetricsPath must be a path such as /metrics")]
    [InlineData("Switchboard:Telemetry:MetricsPath=metrics", "Switchboard:Telemetry:MetricsPath must be a path such as /metrics")]
    [InlineData("Switchboard:Inbound:Activations:a:messageName=m", "Switchboard:Inbound:Activations:a:inbound.type is required")]
    [InlineData("Switchboard:Inbound:Activations:a:inbound.type=io.camunda:webhook:1", "Switchboard:Inbound:Activations:a needs exactly one of messageName")]
    [InlineData("Switchboard:Inbound:Activations:a:messageTtl=an hour", "Switchboard:Inbound:Activations:a:messageTtl 'an hour' is not an ISO 8601 duration")]
    [InlineData("Switchboard:Inbound:Activations:a:messageTtl=P99999999D", "Switchboard:Inbound:Activations:a:messageTtl 'P99999999D' is longer than the longest duration")]
    [InlineData("Switchboard:Inbound:MaxTaskActivations=0", "Switchboard:Inbound:MaxTaskActivations must be at least 1, not 0")]
    // Listed as served at /inbound/a/b, which answered 404: the route takes one segment.
    [InlineData("Switchboard:Inbound:Activations:a:inbound.type=io.camunda:webhook:1|Switchboard:Inbound:Activations:a:messageName=m|Switchboard:Inbound:Activations:a:inbound.context=a/b",
        "Switchboard:Inbound:Activations:a:inbound.context 'a/b' cannot be a webhook path")]
    [InlineData("Switchboard:Inbound:Activations:a:inbound.type=io.camunda:webhook:1|Switchboard:Inbound:Activations:a:messageName=m|Switchboard:Inbound:Activations:a:inbound.context=..",
        "Switchboard:Inbound:Activations:a:inbound.context '..' cannot be a webhook path")]
    [InlineData("Switchboard:Inbound:Activations:a:messageTtl=-PT1H", "Switchboard:Inbound:Activations:a:messageTtl '-PT1H' is negative")]
    public async Task A_setting_that_cannot_work_stops_the_host_at_start_naming_it(string setting, string problem)
    {
        using var sandbox = new PluginSandbox();

        // Two settings together are written with '|' between them.
        var start = () => RunningHost.StartAsync(sandbox.Directory, setting.Split('|'));

        var thrown = await start.Should().ThrowAsync<Exception>();
        var lines = StartupProblem.Explain(thrown.Which);
        lines.Should().NotBeNull($"{thrown.Which.GetType().Name} is what Program.cs prints as one line per setting, exit code 2: {thrown.Which}");
        string.Join("\n", lines!).Should().Contain(problem);
    }

    // The refusal echoes what was written, so that it can be fixed, but never a password or a token it carries.
    [Theory]
    [InlineData("Switchboard:Zeebe:Address=http://zeebe:s3cret@gateway:26500/zeebe", "Switchboard:Zeebe:Address 'http://***@gateway:26500/zeebe' is not a gateway address")]
    [InlineData("ZEEBE_ADDRESS=zeebe:s3cret@gateway:26500/zeebe", "Switchboard:Zeebe:Address '***@gateway:26500/zeebe' is not a gateway address")]
    [InlineData("Switchboard:Zeebe:Address=http://gateway:26500/zeebe?token=s3cret", "Switchboard:Zeebe:Address 'http://gateway:26500/zeebe?***' is not a gateway address")]
    [InlineData("Switchboard:Zeebe:RestAddress=ftp://u:s3cret@camunda:8080", "not 'ftp://***@camunda:8080'")]
    [InlineData("Switchboard:Spiff:CorsOrigins:0=ws://u:s3cret@arena", "origin 'ws://***@arena' must be")]
    public async Task A_refused_address_is_named_without_the_password_or_token_it_carries(string setting, string problem)
    {
        using var sandbox = new PluginSandbox();

        var start = () => RunningHost.StartAsync(sandbox.Directory, setting);

        var thrown = await start.Should().ThrowAsync<Exception>();
        var said = string.Join("\n", StartupProblem.Explain(thrown.Which) ?? [thrown.Which.ToString()]);
        said.Should().Contain(problem).And.NotContain("s3cret");
    }

    [Fact]
    public async Task A_CA_certificate_path_that_is_a_named_pipe_stops_the_host_at_start_instead_of_holding_it()
    {
        using var sandbox = new PluginSandbox();
        var fifo = Path.Combine(sandbox.Directory, "..", "ca-" + Guid.NewGuid().ToString("N") + ".pem");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", fifo))
            await mkfifo.WaitForExitAsync();
        try
        {
            // The certificate loader's open waited for a writer that never came: the host hung at start, deaf to SIGTERM.
            var start = () => RunningHost.StartAsync(sandbox.Directory, "Switchboard:Zeebe:Address=https://127.0.0.1:1",
                "Switchboard:Zeebe:CaCertificatePath=" + fifo).WaitAsync(TimeSpan.FromSeconds(30));

            var thrown = await start.Should().ThrowAsync<Exception>();
            string.Join("\n", StartupProblem.Explain(thrown.Which) ?? [thrown.Which.ToString()]).Should()
                .Contain("Switchboard:Zeebe:CaCertificatePath").And.Contain("is not a regular file");
        }
        finally
        {
            File.Delete(fifo);
        }
    }

    [Fact]
    public async Task A_listen_address_already_in_use_stops_the_host_with_one_line_naming_it()
    {
        using var held = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        held.Start();
        var port = ((System.Net.IPEndPoint)held.LocalEndpoint).Port;
        using var sandbox = new PluginSandbox();

        var start = () => RunningHost.StartAsync(sandbox.Directory, $"urls=http://127.0.0.1:{port}");

        var thrown = await start.Should().ThrowAsync<Exception>();
        var lines = StartupProblem.Explain(thrown.Which);
        lines.Should().NotBeNull($"Program.cs prints it as one line, exit code 2, instead of the stack: {thrown.Which}");
        string.Join("\n", lines!).Should().Contain($"127.0.0.1:{port}").And.Contain("address already in use");
    }
}
