using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Abstractions;
using Switchboard.Host.Invocation;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Logging;

/// <summary>Each host writes its own log: a second host started in the same process does not take over the first one's lines.</summary>
public sealed class HostLoggerIsolationTests
{
    [Fact]
    public async Task A_host_keeps_writing_to_its_own_log_after_another_host_starts_in_the_process()
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.TestPlugin("Conformance"));
        var firstLog = new SharedLog();
        var secondLog = new SharedLog();
        await using var first = await RunningHost.StartAsync(sandbox.Directory, firstLog);
        await using var second = await RunningHost.StartAsync(sandbox.Directory, secondLog);

        await first.Services.GetRequiredService<InvocationPipeline>().InvokeAsync(new Invocation("test.switchboard:conformance:1", "echo",
            new JsonObject { ["text"] = "from-the-first-host", ["token"] = "t" }, Protocol.InProcess));

        firstLog.ToString().Should().Contain("conformance echo with token");
        secondLog.ToString().Should().NotContain("conformance echo with token");
    }
}
