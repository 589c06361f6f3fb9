using Switchboard.Tests.Infrastructure;
using Switchboard.ZeebeTestGateway;

namespace Switchboard.Tests.Zeebe;

/// <summary>An errorExpression that calls <c>bpmnError</c> or <c>jobError</c> asks for an error: called with an argument
/// of the wrong type, the call is an invalid expression (FailJob, no retries, <c>InvalidErrorExpression</c>), never a
/// completed job; it read as "no error" and the job completed as a success (attack round eleven).</summary>
public sealed class ErrorFunctionArgumentTests : IAsyncLifetime
{
    private readonly PluginSandbox _sandbox = new();
    private TestGatewayServer _server = null!;
    private RunningHost _host = null!;

    public async Task InitializeAsync()
    {
        _server = await TestGatewayServer.StartAsync();
        _sandbox.Add(Repository.TestPlugin("Conformance"));
        _host = await RunningHost.StartAsync(_sandbox.Directory, "Switchboard:Zeebe:Address=" + _server.Address,
            "Switchboard:Zeebe:PollInterval=00:00:00.050", "Switchboard:Zeebe:RequestTimeout=00:00:01");
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _server.DisposeAsync();
        _sandbox.Dispose();
    }

    private Task<TestJob> RunAsync(string errorExpression) => _server.Gateway.FinishedAsync(_server.Gateway.CreateJob(
        "test.switchboard:conformance:1", """{"text":"x","count":1}""", new() { ["operation"] = "echo", ["errorExpression"] = errorExpression }));

    [Theory]
    // A status code as the error code, the number it is in the response.
    [InlineData("""=if count = 1 then bpmnError(404, "not found") else null""", "bpmnError")]
    // A month (P1M) where a minute (PT1M) was meant: a years-months duration.
    [InlineData("""=jobError("upstream said no", {}, 2, @"P1M")""", "jobError")]
    [InlineData("""=jobError("upstream said no", "not a context")""", "jobError")]
    public async Task An_error_function_called_with_a_wrong_argument_fails_the_job_as_an_invalid_expression(string errorExpression, string function)
    {
        var job = await RunAsync(errorExpression);

        // Failed with no retries left: an incident.
        job.State.Should().Be(JobState.Incident, $"{errorExpression} asked for an error; the job completed with {job.CompletedVariables?.ToJsonString()}");
        job.Retries.Should().Be(0);
        job.ErrorMessage.Should().Contain(function);
    }

    // The context form with a field of the wrong type: read as absent, the job completed (or threw an error not asked for).
    [Theory]
    [InlineData("""={code: 5}""", "code that is a number")]
    [InlineData("""={errorType: "bpmnError", code: 5}""", "code that is a number")]
    [InlineData("""={errorType: 5, code: "x"}""", "errorType that is a number")]
    [InlineData("""={errorType: "jobError", message: "m", retries: 2, retryBackoff: "bogus"}""", "retryBackoff 'bogus'")]
    [InlineData("""={errorType: "jobError", message: "m", retries: "2"}""", "retries that is a string")]
    public async Task An_error_context_with_a_field_of_the_wrong_type_fails_the_job_as_an_invalid_expression(string errorExpression, string problem)
    {
        var job = await RunAsync(errorExpression);

        job.State.Should().Be(JobState.Incident, $"{errorExpression} asked for an error; the job ended {job.State} with {job.CompletedVariables?.ToJsonString()}{job.ErrorCode}");
        job.Retries.Should().Be(0);
        job.ErrorMessage.Should().Contain(problem);
        job.FailVariables!["error"]!["code"]!.GetValue<string>().Should().Be("InvalidErrorExpression");
    }

    [Fact]
    public async Task JobErrors_backoff_may_be_given_as_text_as_in_the_context_form()
    {
        var job = await RunAsync("""=jobError("upstream said no", {}, 2, "PT1S")""");

        job.State.Should().Be(JobState.Failed, $"the job completed with {job.CompletedVariables?.ToJsonString()}");
        job.Retries.Should().Be(2);
        job.RetryBackoff.Should().Be(TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task An_expression_that_yields_null_without_calling_an_error_function_still_means_no_error()
    {
        var job = await RunAsync("""=if error.code = "404" then bpmnError("NOT_FOUND", "missing") else null""");

        job.State.Should().Be(JobState.Completed);
    }
}
