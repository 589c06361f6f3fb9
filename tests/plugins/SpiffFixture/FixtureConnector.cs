using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Switchboard.Abstractions;
using Switchboard.Abstractions.Spiff;

namespace Switchboard.TestPlugins.SpiffFixture;

/// <summary>One operation per proxy case; each answers with what it received so tests see the binding.</summary>
[Connector("test.switchboard:spiff:1", Name = "Spiff fixture"), SpiffCommand("fixture/Echo")]
public sealed class FixtureConnector
{
    /// <summary>Returns every bound parameter and what the context knows about the call.</summary>
    [Operation("echo"), SpiffCommand("fixture/Echo")]
    public EchoOutput Echo(EchoInput input, IConnectorContext context) => new()
    {
        Name = input.Name,
        Count = input.Count,
        Ratio = input.Ratio,
        Flag = input.Flag,
        When = input.When?.ToString("O"),
        Id = input.Id,
        Headers = input.Headers,
        TaskId = context.Invocation.RequestId,
        ProcessInstanceId = context.Invocation.ProcessInstanceId,
        TaskData = context.Get<SpiffTask>()?.TaskData,
        Protocol = context.Invocation.Protocol.ToString(),
    };

    /// <summary>Throws the error the input asks for.</summary>
    [Operation("fail"), SpiffCommand("fixture/Fail")]
    public string Fail(FailInput input) => input.Kind switch
    {
        "input" => throw new ConnectorInputException(input.Code, "the order number is unknown") { Field = "order" },
        "retryable" => throw new ConnectorException(input.Code, "the upstream service is busy", retryable: true),
        "permanent" => throw new ConnectorException(input.Code, "the order is closed", details: new { order = 7 }),
        _ => throw new InvalidOperationException("the fixture crashed"),
    };

    /// <summary>Waits longer than its one-second timeout when asked.</summary>
    [Operation("slow", TimeoutSeconds = 1), SpiffCommand("fixture/Slow")]
    public async Task<string> SlowAsync(WaitInput input, IConnectorContext context)
    {
        await Task.Delay(input.Milliseconds, context.CancellationToken);
        return "done";
    }

    /// <summary>Declared long-running: the proxy answers 202 and delivers the result through the callback.</summary>
    [Operation("later", LongRunning = true), SpiffCommand("fixture/Later")]
    public async Task<LaterOutput> LaterAsync(WaitInput input, IConnectorContext context)
    {
        await Task.Delay(input.Milliseconds, context.CancellationToken);
        if (input.Fail)
            throw new ConnectorException("UpstreamDown", "the upstream service is down", retryable: true);
        return new LaterOutput { Done = true, Waited = input.Milliseconds, TaskId = context.Invocation.RequestId };
    }

    /// <summary>Returns plain text instead of an object.</summary>
    [Operation("text"), SpiffCommand("fixture/Text")]
    public string Text(EmptyInput input) => "plain text";

    /// <summary>Returns nothing.</summary>
    [Operation("nothing"), SpiffCommand("fixture/Nothing")]
    public Task Nothing(EmptyInput input) => Task.CompletedTask;

    /// <summary>Uses an id the backend reserves for its built-in HTTP client: never published.</summary>
    [Operation("reserved"), SpiffCommand("http/GetRequest")]
    public string Reserved(EmptyInput input) => "must not be reachable";

    /// <summary>The renamed form of the reserved command, published normally.</summary>
    [Operation("renamed"), SpiffCommand("http/GetRequestV2")]
    public string Renamed(EmptyInput input) => "reachable";
}

public sealed class EchoInput
{
    [Required]
    public string Name { get; set; } = "";

    public int Count { get; set; }

    public double Ratio { get; set; }

    public bool Flag { get; set; }

    public DateTime? When { get; set; }

    public Guid? Id { get; set; }

    public Dictionary<string, string>? Headers { get; set; }
}

public sealed class EchoOutput
{
    public string Name { get; set; } = "";
    public int Count { get; set; }
    public double Ratio { get; set; }
    public bool Flag { get; set; }
    public string? When { get; set; }
    public Guid? Id { get; set; }
    public Dictionary<string, string>? Headers { get; set; }
    public string? TaskId { get; set; }
    public string? ProcessInstanceId { get; set; }
    public JsonElement? TaskData { get; set; }
    public string Protocol { get; set; } = "";
}

public sealed class FailInput
{
    public string Kind { get; set; } = "";
    public string Code { get; set; } = "Failed";
}

public sealed class WaitInput
{
    public int Milliseconds { get; set; }
    public bool Fail { get; set; }
}

public sealed class LaterOutput
{
    public bool Done { get; set; }
    public int Waited { get; set; }
    public string? TaskId { get; set; }
}

public sealed class EmptyInput;
