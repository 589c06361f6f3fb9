using Switchboard.Tests.Infrastructure;
using Switchboard.ZeebeTestGateway;

namespace Switchboard.Tests.Zeebe;

/// <summary>Error variables an errorExpression builds are held to the size the gateway takes, as completion variables are:
/// the gateway refuses a bigger command as RESOURCE_EXHAUSTED, which is retried as backpressure and never succeeds.</summary>
public sealed class ZeebeErrorVariablesSizeTests
{
    [Theory]
    [InlineData("""=jobError("too big", {a: text, b: text})""")]
    [InlineData("""=bpmnError("TOO_BIG", "too big", {a: text, b: text})""")]
    public async Task Error_variables_over_the_limit_fail_the_job_naming_the_size_without_sending_them(string errorExpression)
    {
        await using var server = await TestGatewayServer.StartAsync();
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.TestPlugin("Conformance"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory, "Switchboard:Zeebe:Address=" + server.Address,
            "Switchboard:Zeebe:PollInterval=00:00:00.050", "Switchboard:Zeebe:RequestTimeout=00:00:01");
        // The echoed text twice: 1.8 MB of variables, past the 1.5 MiB the host sends.
        var text = new string('x', 900_000);

        var job = await server.Gateway.FinishedAsync(server.Gateway.CreateJob("test.switchboard:conformance:1", $$"""{"text":"{{text}}"}""",
            new() { ["operation"] = "echo", ["errorExpression"] = errorExpression }));

        job.State.Should().Be(JobState.Incident, "a retry would build the same variables");
        job.ErrorMessage.Should().Contain("1800").And.Contain("bytes").And.Contain("at most 1572864");
        job.FailVariables!.Should().ContainKey("error").And.NotContainKey("a");
        job.FailVariables["error"]!["code"]!.GetValue<string>().Should().Be("ErrorVariablesTooLarge");
    }
}
