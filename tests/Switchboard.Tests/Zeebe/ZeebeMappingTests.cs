using Switchboard.Tests.Infrastructure;

using Switchboard.ZeebeTestGateway;

namespace Switchboard.Tests.Zeebe;

/// <summary>The FEEL headers <c>resultExpression</c> and <c>errorExpression</c> applied to real jobs through the test gateway.</summary>
public sealed class ZeebeMappingTests : IAsyncLifetime
{
    private const string Calculator = "io.switchboard:calculator:1";
    private readonly PluginSandbox _sandbox = new();
    private TestGatewayServer _server = null!;
    private RunningHost _host = null!;

    public async Task InitializeAsync()
    {
        _sandbox.Add(Repository.ShippedPlugin("Calculator"));
        _server = await TestGatewayServer.StartAsync();
        _host = await RunningHost.StartAsync(_sandbox.Directory, "Switchboard:Zeebe:PollInterval=00:00:00.050",
            "Switchboard:Zeebe:RequestTimeout=00:00:01", "Switchboard:Zeebe:Address=" + _server.Address);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _server.DisposeAsync();
        _sandbox.Dispose();
    }

    private Task<TestJob> RunAsync(string variables, Dictionary<string, string> headers, int retries = 3) =>
        _server.Gateway.FinishedAsync(_server.Gateway.CreateJob(Calculator, variables, headers, retries));

    [Fact]
    public async Task A_resultExpression_context_is_merged_into_the_completion_beside_the_result_variable()
    {
        var job = await RunAsync("""{"action":"multiply","a":6,"b":7}""", new()
        {
            ["resultVariable"] = "raw",
            ["resultExpression"] = "={answer: result, doubled: result * 2, label: upper case(action)}",
        });

        job.State.Should().Be(JobState.Completed);
        job.CompletedVariables!["answer"]!.GetValue<decimal>().Should().Be(42);
        job.CompletedVariables["doubled"]!.GetValue<decimal>().Should().Be(84);
        job.CompletedVariables["label"]!.GetValue<string>().Should().Be("MULTIPLY");
        job.CompletedVariables["raw"]!["result"]!.GetValue<double>().Should().Be(42);
    }

    [Fact]
    public async Task A_resultExpression_that_yields_no_context_fails_the_job_without_retries()
    {
        var job = await RunAsync("""{"action":"add","a":1,"b":2}""", new() { ["resultExpression"] = "=result + 1" });

        job.State.Should().Be(JobState.Incident);
        job.ErrorMessage.Should().Contain("expected a context");
    }

    [Fact]
    public async Task An_errorExpression_turns_a_connector_error_into_a_BPMN_error()
    {
        var job = await RunAsync("""{"action":"divide","a":1,"b":0}""", new()
        {
            ["errorExpression"] = """=if error.code = "DivisionByZero" then bpmnError("MATH", "cannot divide: " + error.message) else null""",
        });

        job.State.Should().Be(JobState.ErrorThrown);
        job.ErrorCode.Should().Be("MATH");
        job.ErrorMessage.Should().StartWith("cannot divide: ");
    }

    [Fact]
    public async Task A_BPMN_error_code_longer_than_a_name_can_be_fails_the_job_without_retries()
    {
        var job = await RunAsync("""{"action":"divide","a":1,"b":0}""", new()
        {
            ["errorExpression"] = """=bpmnError(string join(for i in 1..700 return "0123456789", ""), "m")""",
        });

        job.State.Should().Be(JobState.Incident, job.ErrorMessage);
        job.ErrorMessage.Should().Be("the BPMN error code errorExpression gave is 7000 characters; at most 6000");
    }

    [Fact]
    public async Task An_errorExpression_can_fail_a_successful_call_as_a_job_error_with_its_retries_and_backoff()
    {
        var job = await RunAsync("""{"action":"subtract","a":1,"b":5}""", new()
        {
            ["errorExpression"] = """=if result < 0 then jobError("negative result " + string(result), {}, job.retries - 1, @"PT3S") else null""",
        });

        job.State.Should().Be(JobState.Failed);
        job.Retries.Should().Be(2);
        job.RetryBackoff.Should().Be(TimeSpan.FromSeconds(3));
        job.ErrorMessage.Should().Be("negative result -4");
    }

    [Fact]
    public async Task An_errorExpression_can_ignore_an_error_and_complete_with_its_variables()
    {
        var job = await RunAsync("""{"action":"divide","a":1,"b":0}""", new() { ["errorExpression"] = """=ignoreError({fallback: 0})""" });

        job.State.Should().Be(JobState.Completed);
        job.CompletedVariables!["fallback"]!.GetValue<decimal>().Should().Be(0);
    }

    [Fact]
    public async Task An_invalid_errorExpression_fails_the_job_without_retries_naming_the_problem()
    {
        var job = await RunAsync("""{"action":"add","a":1,"b":2}""", new() { ["errorExpression"] = "=if then" });

        job.State.Should().Be(JobState.Incident);
        job.ErrorMessage.Should().Contain("errorExpression");
    }
}
