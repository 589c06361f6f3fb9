using System.Net;
using System.Text.Json.Nodes;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Spiff;

public sealed class SpiffCommandsTests
{
    [Fact]
    public async Task Commands_list_every_operation_in_id_order_with_backend_types_and_required_flags()
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.ShippedPlugin("Calculator"));
        sandbox.Add(Repository.ShippedPlugin("Log"));
        sandbox.Add(Repository.TestPlugin("SpiffFixture"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory);

        var call = await SpiffCall.GetAsync(host.Http, "/v1/commands");

        call.Status.Should().Be(HttpStatusCode.OK);
        call.ContentType.Should().Be("application/json");
        var commands = call.Json.AsArray();
        commands.Select(c => c!["id"]!.GetValue<string>()).Should().Equal(
            "calculator/Calculate", "fixture/Echo", "fixture/Fail", "fixture/Later", "fixture/Nothing", "fixture/Slow", "fixture/Text",
            "http/GetRequestV2", "log/Log");
        commands[0]!.ToJsonString().Should().Be(
            """{"id":"calculator/Calculate","parameters":[{"id":"action","type":"str","required":true},{"id":"a","type":"any","required":true},{"id":"b","type":"any","required":true}]}""");
        Parameters(commands, "fixture/Echo").Should().Equal(
            "name:str:True", "count:int:False", "ratio:any:False", "flag:bool:False", "when:str:False", "id:str:False", "headers:any:False");
        Parameters(commands, "log/Log").Should().Equal("message:str:True", "level:str:False");
    }

    [Fact]
    public async Task A_plugin_deployed_later_claiming_a_served_command_id_does_not_take_it_over_until_its_holder_goes()
    {
        using var sandbox = new PluginSandbox();
        var fixture = sandbox.Add(Repository.TestPlugin("SpiffFixture"));
        var log = new SharedLog();
        await using var host = await RunningHost.StartAsync(sandbox.Directory, log);
        (await SpiffCall.DoAsync(host.Http, "fixture/Echo", """{"name":"before"}""")).Json["command_response"]!["body"]!["name"]!
            .GetValue<string>().Should().Be("before");

        // Its connector type sorts first: by that rule alone it took the id, and the fixture's callers reached it.
        sandbox.Add(Repository.TestPlugin("SpiffClash"));
        await Eventually.WaitFor(() => host.Catalog.Find("a.test:spiff-clash:1") is not null, because: "the new plugin loads");
        // A command list built after the clash was in the catalog: one showing a plugin deployed after it.
        sandbox.Add(Repository.ShippedPlugin("Calculator"));
        await Eventually.WaitFor(async () => (await SpiffCall.GetAsync(host.Http, "/v1/commands")).Text, t => t.Contains("calculator/Calculate"),
            because: "the commands follow the catalog");
        var after = await SpiffCall.DoAsync(host.Http, "fixture/Echo", """{"name":"after"}""");

        after.Json["command_response"]!["body"]!["name"].Should().NotBeNull(after.Text);
        after.Json["command_response"]!["body"]!["name"]!.GetValue<string>().Should().Be("after", "the fixture still answers its command");
        log.ToString().Split('\n').Should().Contain(l => l.Contains("Command fixture/Echo of connector a.test:spiff-clash:1 is not published via")
                                                       && l.Contains("connector test.switchboard:spiff:1 already serves it"));

        Directory.Delete(fixture, recursive: true);
        var freed = await Eventually.WaitFor(() => SpiffCall.DoAsync(host.Http, "fixture/Echo", "{}"),
            c => c.Json["command_response"]?["body"]?["stolen"] is not null, because: "once its holder is gone the id is free");
        freed.Json["command_response"]!["body"]!["stolen"]!.GetValue<bool>().Should().BeTrue();
    }

    [Fact]
    public async Task Reserved_http_ids_are_never_published_nor_callable()
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.TestPlugin("SpiffFixture"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory);

        var ids = (await SpiffCall.GetAsync(host.Http, "/v1/commands")).Json.AsArray().Select(c => c!["id"]!.GetValue<string>());
        ids.Should().NotContain("http/GetRequest").And.Contain("http/GetRequestV2");

        var reserved = await SpiffCall.DoAsync(host.Http, "http/GetRequest", "{}");
        reserved.Status.Should().Be(HttpStatusCode.NotFound);
        reserved.Json["error"]!["error_code"]!.GetValue<string>().Should().Be("command_not_found");
        var renamed = await SpiffCall.DoAsync(host.Http, "http/GetRequestV2", "{}");
        renamed.Json["command_response"]!["body"]!.GetValue<string>().Should().Be("reachable");
    }

    [Fact]
    public async Task Liveness_auths_and_every_route_answer_at_the_root_and_under_the_base_path()
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.ShippedPlugin("Calculator"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory, "Switchboard:Spiff:BasePath=connector-proxy/");

        foreach (var prefix in new[] { "", "/connector-proxy" })
        {
            foreach (var path in new[] { "/liveness", "/v1/liveness" })
            {
                var live = await SpiffCall.GetAsync(host.Http, prefix + path);
                live.Status.Should().Be(HttpStatusCode.OK);
                live.ContentType.Should().Be("application/json");
                live.Text.Should().Be("""{"ok":true}""");
            }
            var auths = await SpiffCall.GetAsync(host.Http, prefix + "/v1/auths");
            auths.Status.Should().Be(HttpStatusCode.OK);
            auths.ContentType.Should().Be("application/json");
            auths.Text.Should().Be("[]");
            (await SpiffCall.GetAsync(host.Http, prefix + "/v1/commands")).Json[0]!["id"]!.GetValue<string>().Should().Be("calculator/Calculate");
            var done = await SpiffCall.DoAsync(host.Http, "calculator/Calculate", """{"action":"add","a":1,"b":2}""", prefix);
            done.Json["command_response"]!["body"]!["result"]!.GetValue<double>().Should().Be(3);
        }
        (await SpiffCall.GetAsync(host.Http, "/elsewhere/v1/commands")).Status.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Commands_follow_hot_reload_a_copied_plugin_appears_and_a_deleted_one_answers_404()
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.ShippedPlugin("Calculator"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory);
        (await CommandIds(host)).Should().Equal("calculator/Calculate");

        var folder = sandbox.Add(Repository.TestPlugin("ReloadProbe.V1"), "ReloadProbe");
        await Eventually.WaitFor(() => CommandIds(host), ids => ids.Contains("probe/Identify"), because: "the copied plugin is loaded");
        (await CommandIds(host)).Should().Equal("calculator/Calculate", "probe/Fail", "probe/Identify", "probe/Wait");
        var identify = await SpiffCall.DoAsync(host.Http, "probe/Identify", """{"echo":"hi","spiff__task_id":"t-1"}""");
        identify.Json["command_response"]!["body"]!["variant"]!.GetValue<string>().Should().Be("v1");
        identify.Json["command_response"]!["body"]!["echo"]!.GetValue<string>().Should().Be("hi");

        Directory.Delete(folder, recursive: true);
        await Eventually.WaitFor(() => CommandIds(host), ids => !ids.Contains("probe/Identify"), because: "the deleted plugin is removed");
        var gone = await SpiffCall.DoAsync(host.Http, "probe/Identify", """{"echo":"hi"}""");
        gone.Status.Should().Be(HttpStatusCode.NotFound);
        gone.Json["error"]!["error_code"]!.GetValue<string>().Should().Be("command_not_found");
    }

    private static async Task<List<string>> CommandIds(RunningHost host) =>
        (await SpiffCall.GetAsync(host.Http, "/v1/commands")).Json.AsArray().Select(c => c!["id"]!.GetValue<string>()).ToList();

    private static IEnumerable<string> Parameters(JsonArray commands, string id) =>
        commands.Single(c => c!["id"]!.GetValue<string>() == id)!["parameters"]!.AsArray()
            .Select(p => $"{p!["id"]}:{p["type"]}:{p["required"]!.GetValue<bool>()}");
}
