using System.Diagnostics;
using Switchboard.Tests.Infrastructure;

using Switchboard.ZeebeTestGateway;

namespace Switchboard.Tests.Zeebe;

/// <summary>The real <c>zbctl</c> (npm zbctl@8.4.1, Camunda's Go client) against our test gateway: proof that it answers as the real one does.</summary>
public sealed class ZbctlTests
{
    private static async Task<string> ZbctlAsync()
    {
        var package = await NpmPackage.InstallAsync("zbctl@8.4.1");
        var binary = Path.Combine(package, "bin", "zbctl-cli.linux");
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(binary, File.GetUnixFileMode(binary) | UnixFileMode.UserExecute);
        return binary;
    }

    private static ProcessStartInfo Start(string binary, TestGatewayServer server, params string[] args) =>
        new(binary, [.. args, "--insecure", "--address", server.Address])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

    [Fact]
    public async Task Zbctl_status_reads_the_topology()
    {
        await using var server = await TestGatewayServer.StartAsync();
        using var zbctl = Process.Start(Start(await ZbctlAsync(), server, "status"))!;
        var output = await zbctl.StandardOutput.ReadToEndAsync();
        var errors = await zbctl.StandardError.ReadToEndAsync();
        await zbctl.WaitForExitAsync();

        zbctl.ExitCode.Should().Be(0, errors);
        output.Should().Contain("Cluster size: 1").And.Contain("Partitions count: 1").And.Contain("Gateway version: 8.8.0-switchboard-test");
    }

    [Fact]
    public async Task A_zbctl_worker_activates_and_completes_jobs_through_the_gateway()
    {
        await using var server = await TestGatewayServer.StartAsync();
        var keys = Enumerable.Range(1, 3).Select(i => server.Gateway.CreateJob("zbctl-type", $$"""{"n":{{i}}}""")).ToList();

        // The handler echoes the job's variables, so each job completes with what it carried.
        using var worker = Process.Start(Start(await ZbctlAsync(), server, "create", "worker", "zbctl-type", "--handler", "cat", "--name", "zbctl-test"))!;
        try
        {
            foreach (var (key, n) in keys.Select((k, i) => (k, i + 1)))
            {
                var job = await server.Gateway.FinishedAsync(key);
                job.State.Should().Be(JobState.Completed);
                job.Worker.Should().Be("zbctl-test");
                job.CompletedVariables!["n"]!.GetValue<int>().Should().Be(n);
            }
        }
        finally
        {
            worker.Kill(entireProcessTree: true);
            await worker.WaitForExitAsync();
        }
        server.Gateway.ActivateRequests.Should().Contain(r => r.Worker == "zbctl-test" && r.MaxJobsToActivate > 0 && r.RequestTimeout != 0);
    }

    private static async Task<(int ExitCode, string Output, string Errors)> RunAsync(TestGatewayServer server, params string[] args)
    {
        using var zbctl = Process.Start(Start(await ZbctlAsync(), server, args))!;
        var output = zbctl.StandardOutput.ReadToEndAsync();
        var errors = zbctl.StandardError.ReadToEndAsync();
        await zbctl.WaitForExitAsync();
        return (zbctl.ExitCode, await output, await errors);
    }

    [Fact]
    public async Task Zbctl_publishes_a_message_and_a_second_with_the_same_id_is_refused_as_already_existing()
    {
        await using var server = await TestGatewayServer.StartAsync();

        var first = await RunAsync(server, "publish", "message", "order-received", "--correlationKey", "order-42", "--messageId", "m-1",
            "--ttl", "1h", "--variables", """{"total":12.5}""");
        var again = await RunAsync(server, "publish", "message", "order-received", "--correlationKey", "order-42", "--messageId", "m-1");

        first.ExitCode.Should().Be(0, first.Errors);
        var message = server.Gateway.Messages.Should().ContainSingle().Subject;
        message.Name.Should().Be("order-received");
        message.CorrelationKey.Should().Be("order-42");
        message.MessageId.Should().Be("m-1");
        message.TimeToLive.Should().Be(TimeSpan.FromHours(1));
        message.Variables["total"]!.GetValue<double>().Should().Be(12.5);
        again.ExitCode.Should().NotBe(0);
        (again.Output + again.Errors).Should().Contain("AlreadyExists");
    }

    [Fact]
    public async Task Zbctl_creates_an_instance_of_a_deployed_process_and_is_refused_one_of_an_unknown_process()
    {
        await using var server = await TestGatewayServer.StartAsync();
        server.Gateway.Deploy("orders");

        var created = await RunAsync(server, "create", "instance", "orders", "--variables", """{"orderId":7}""");
        var unknown = await RunAsync(server, "create", "instance", "no-such-process");

        created.ExitCode.Should().Be(0, created.Errors);
        System.Text.Json.Nodes.JsonNode.Parse(created.Output)!["bpmnProcessId"]!.GetValue<string>().Should().Be("orders");
        var instance = server.Gateway.Instances.Should().ContainSingle().Subject;
        instance.Variables["orderId"]!.GetValue<int>().Should().Be(7);
        unknown.ExitCode.Should().NotBe(0);
        (unknown.Output + unknown.Errors).Should().Contain("NotFound");
    }
}
