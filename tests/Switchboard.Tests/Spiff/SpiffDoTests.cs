using System.Net;
using System.Text.Json.Nodes;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Spiff;

/// <summary>Bodies as SpiffArena's backend sends them, answered with the v2 envelope; one host for the class.</summary>
public sealed class SpiffDoTests(SpiffDoTests.HostFixture fixture) : IClassFixture<SpiffDoTests.HostFixture>
{
    private HttpClient Http => fixture.Host.Http;

    [Fact]
    public async Task The_backends_real_body_gets_the_exact_success_envelope()
    {
        var call = await SpiffCall.DoAsync(Http, "calculator/Calculate", """
            {"action":"divide","a":10,"b":4,
             "spiff__process_instance_id":42,"spiff__process_model_identifier":"group/model",
             "spiff__task_id":"88f9b549-2b2a-4a8e-9d29-4f7ef5b6c1aa","spiff__task_data":{"foo":1},
             "spiff__callback_url":"http://127.0.0.1:7000/v1.0/tasks/42/88f9b549-2b2a-4a8e-9d29-4f7ef5b6c1aa/callback"}
            """);

        call.Status.Should().Be(HttpStatusCode.OK);
        call.ContentType.Should().Be("application/json");
        call.Text.Should().Be(
            """{"command_response":{"body":{"result":2.5,"action":"divide"},"mimetype":"application/json","http_status":200,"headers":{}},"command_response_version":2,"error":null,"spiff__logs":[]}""");
    }

    [Fact]
    public async Task Any_json_type_binds_losslessly_with_wrappers_task_data_and_unknown_spiff_keys()
    {
        var call = await SpiffCall.DoAsync(Http, "fixture/Echo", """
            {"name":12345,"count":"7","ratio":"0.25","flag":"true",
             "when":{"value":"2026-01-01T00:00:00","typename":"datetime"},
             "id":{"value":"0f8fad5b-d9cb-469f-a165-70867728950e","typename":"UUID"},
             "headers":{"Accept":"application/json"},
             "spiff__process_instance_id":42,"spiff__task_id":"task-7","spiff__task_data":{"order":{"id":9,"lines":[1,2]}},
             "spiff__callback_url":"http://127.0.0.1:7000/callback","spiff__process_model_identifier":"group/model",
             "spiff__something_new":{"added":"later"}}
            """);

        var body = call.Json["command_response"]!["body"]!;
        call.Json["error"].Should().BeNull();
        body["name"]!.GetValue<string>().Should().Be("12345");
        body["count"]!.GetValue<int>().Should().Be(7);
        body["ratio"]!.GetValue<double>().Should().Be(0.25);
        body["flag"]!.GetValue<bool>().Should().BeTrue();
        body["when"]!.GetValue<string>().Should().StartWith("2026-01-01T00:00:00");
        body["id"]!.GetValue<string>().Should().Be("0f8fad5b-d9cb-469f-a165-70867728950e");
        body["headers"]!["Accept"]!.GetValue<string>().Should().Be("application/json");
        body["taskId"]!.GetValue<string>().Should().Be("task-7");
        body["processInstanceId"]!.GetValue<string>().Should().Be("42");
        body["taskData"]!.ToJsonString().Should().Be("""{"order":{"id":9,"lines":[1,2]}}""");
        body["protocol"]!.GetValue<string>().Should().Be("Spiff");
    }

    [Fact]
    public async Task Absent_optional_parameters_keep_their_defaults()
    {
        var call = await SpiffCall.DoAsync(Http, "fixture/Echo", """{"name":"only"}""");

        var body = call.Json["command_response"]!["body"]!;
        body["name"]!.GetValue<string>().Should().Be("only");
        body["count"]!.GetValue<int>().Should().Be(0);
        body["when"].Should().BeNull();
        body["taskData"].Should().BeNull();
    }

    [Fact]
    public async Task Invalid_parameters_are_a_permanent_400_naming_each_field()
    {
        var call = await SpiffCall.DoAsync(Http, "calculator/Calculate", """{"action":"power","a":"ten","spiff__task_id":"t"}""");

        call.Status.Should().Be(HttpStatusCode.OK);
        var envelope = call.Json;
        envelope["command_response"]!["http_status"]!.GetValue<int>().Should().Be(400);
        envelope["command_response_version"]!.GetValue<int>().Should().Be(2);
        envelope["spiff__logs"]!.AsArray().Should().BeEmpty();
        envelope["error"]!["error_code"]!.GetValue<string>().Should().Be("InvalidParameters");
        var message = envelope["error"]!["message"]!.GetValue<string>();
        message.Should().Contain("action must be one of: add, subtract, multiply, divide").And.Contain("a must be a number").And.Contain("b is required");
        envelope["command_response"]!["body"]!["fields"]!.AsArray().Select(f => f!["field"]!.GetValue<string>())
            .Should().BeEquivalentTo("action", "a", "b");
    }

    [Fact]
    public async Task A_fraction_for_an_integer_is_refused_rather_than_truncated()
    {
        var call = await SpiffCall.DoAsync(Http, "fixture/Echo", """{"name":"n","count":7.5}""");

        call.Json["error"]!["error_code"]!.GetValue<string>().Should().Be("InvalidParameters");
        call.Json["error"]!["message"]!.GetValue<string>().Should().Contain("count must be a whole number");
    }

    [Fact]
    public async Task A_result_beyond_the_range_of_a_number_is_an_Overflow_input_error_never_a_null_result()
    {
        var call = await SpiffCall.DoAsync(Http, "calculator/Calculate", """{"action":"multiply","a":1e308,"b":10}""");

        call.Json["command_response"]!["http_status"]!.GetValue<int>().Should().Be(400, call.Text);
        call.Json["error"]!["error_code"]!.GetValue<string>().Should().Be("Overflow", call.Text);
    }

    [Fact]
    public async Task A_connector_input_error_keeps_its_code_and_is_permanent()
    {
        var call = await SpiffCall.DoAsync(Http, "calculator/Calculate", """{"action":"divide","a":1,"b":0}""");

        call.Status.Should().Be(HttpStatusCode.OK);
        call.Json["command_response"]!["http_status"]!.GetValue<int>().Should().Be(400);
        call.Json["error"]!.ToJsonString().Should().Be("""{"error_code":"DivisionByZero","message":"cannot divide by zero: b is 0"}""");
        call.Json["command_response"]!["body"]!["fields"]![0]!["field"]!.GetValue<string>().Should().Be("b");
    }

    [Theory]
    [InlineData("retryable", "Busy", 503)]
    [InlineData("permanent", "OrderClosed", 422)]
    [InlineData("input", "UnknownOrder", 400)]
    [InlineData("crash", "ConnectorFailed", 500)]
    public async Task Connector_errors_carry_their_code_and_a_status_the_backend_retries_only_when_transient(string kind, string code, int status)
    {
        var call = await SpiffCall.DoAsync(Http, "fixture/Fail", $$"""{"kind":"{{kind}}","code":"{{code}}"}""");

        call.Status.Should().Be(HttpStatusCode.OK);
        call.Json["command_response"]!["http_status"]!.GetValue<int>().Should().Be(status);
        call.Json["error"]!["error_code"]!.GetValue<string>().Should().Be(code);
        call.Json["error"]!["message"]!.GetValue<string>().Should().NotContain(" at ", "no stack trace leaves the host");
    }

    [Fact]
    public async Task Connector_error_details_reach_the_body()
    {
        var call = await SpiffCall.DoAsync(Http, "fixture/Fail", """{"kind":"permanent","code":"OrderClosed"}""");

        call.Json["command_response"]!["body"]!.ToJsonString().Should().Be(
            """{"error_code":"OrderClosed","message":"the order is closed","data":{"order":7}}""");
    }

    [Fact]
    public async Task A_timeout_is_a_504_so_the_backend_retries()
    {
        var call = await SpiffCall.DoAsync(Http, "fixture/Slow", """{"milliseconds":3000}""");

        call.Json["command_response"]!["http_status"]!.GetValue<int>().Should().Be(504);
        call.Json["error"]!["error_code"]!.GetValue<string>().Should().Be("Timeout");
    }

    [Fact]
    public async Task An_unknown_command_is_a_404_envelope()
    {
        var call = await SpiffCall.DoAsync(Http, "calculator/Integrate", "{}");

        call.Status.Should().Be(HttpStatusCode.NotFound);
        call.ContentType.Should().Be("application/json");
        call.Json["command_response"]!["http_status"]!.GetValue<int>().Should().Be(404);
        call.Json["error"]!["error_code"]!.GetValue<string>().Should().Be("command_not_found");
        call.Json["error"]!["message"]!.GetValue<string>().Should().Contain("calculator/Integrate");
    }

    [Theory]
    [InlineData("not json", "not valid JSON")]
    [InlineData("", "not valid JSON")]
    [InlineData("[1,2]", "not an array")]
    [InlineData("\"text\"", "not a string")]
    [InlineData("{\"a\":1,\"a\":2}", "not valid JSON")]
    public async Task A_body_that_is_not_a_json_object_is_an_http_400_envelope(string body, string problem)
    {
        var call = await SpiffCall.DoAsync(Http, "calculator/Calculate", body);

        call.Status.Should().Be(HttpStatusCode.BadRequest);
        call.ContentType.Should().Be("application/json");
        call.Json["command_response"]!["http_status"]!.GetValue<int>().Should().Be(400);
        call.Json["error"]!["error_code"]!.GetValue<string>().Should().Be("InvalidRequest");
        call.Json["error"]!["message"]!.GetValue<string>().Should().Contain(problem);
    }

    [Fact]
    public async Task Non_object_and_empty_outputs_become_the_body_as_they_are()
    {
        (await SpiffCall.DoAsync(Http, "fixture/Text", "{}")).Json["command_response"]!["body"]!.ToJsonString().Should().Be("\"plain text\"");
        (await SpiffCall.DoAsync(Http, "fixture/Nothing", "{}")).Json["command_response"]!["body"]!.ToJsonString().Should().Be("{}");
    }

    [Fact]
    public async Task A_short_command_answers_synchronously_even_with_a_callback_url()
    {
        var call = await SpiffCall.DoAsync(Http, "calculator/Calculate",
            """{"action":"add","a":1,"b":1,"spiff__callback_url":"http://127.0.0.1:1/never"}""");

        call.Status.Should().Be(HttpStatusCode.OK);
        call.Json["command_response"]!["body"]!["result"]!.GetValue<double>().Should().Be(2);
    }

    [Fact]
    public async Task The_host_keeps_serving_after_every_failure()
    {
        await SpiffCall.DoAsync(Http, "fixture/Fail", """{"kind":"crash"}""");
        await SpiffCall.DoAsync(Http, "calculator/Calculate", "{{{");

        (await SpiffCall.GetAsync(Http, "/liveness")).Status.Should().Be(HttpStatusCode.OK);
        (await SpiffCall.DoAsync(Http, "calculator/Calculate", """{"action":"multiply","a":6,"b":7}"""))
            .Json["command_response"]!["body"]!["result"]!.GetValue<double>().Should().Be(42);
    }

    /// <summary>One host with the calculator and the fixture plugin, shared by the class's tests.</summary>
    public sealed class HostFixture : IAsyncLifetime
    {
        private readonly PluginSandbox _sandbox = new();

        public RunningHost Host { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            _sandbox.Add(Repository.ShippedPlugin("Calculator"));
            _sandbox.Add(Repository.TestPlugin("SpiffFixture"));
            Host = await RunningHost.StartAsync(_sandbox.Directory);
        }

        public async Task DisposeAsync()
        {
            await Host.DisposeAsync();
            _sandbox.Dispose();
        }
    }
}
