using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Logging;
using Switchboard.Abstractions;
using Switchboard.Abstractions.Spiff;
using Switchboard.Abstractions.Zeebe;

namespace Switchboard.TestPlugins.Conformance;

/// <summary>One operation per rule of the core: output and masking, each kind of failure, a declared timeout, a
/// response with a status, and disposal (it writes <c>DisposeMarker</c> from its configuration when disposed).</summary>
[Connector("test.switchboard:conformance:1", Name = "Conformance")]
public sealed class ConformanceConnector(IPluginContext plugin) : IDisposable
{
    /// <summary>Echoes its input; logs and returns the secret token, which must come out masked.</summary>
    [Operation("echo")]
    public EchoOutput Echo(EchoInput input, IConnectorContext context)
    {
        context.Logger.LogWarning("conformance echo with token {Token}", input.Token);
        return new EchoOutput { Text = input.Text, Count = input.Count, Token = input.Token, Seen = $"token was {input.Token}" };
    }

    /// <summary>Refuses its input as the connector's own decision.</summary>
    [Operation("reject")]
    public EchoOutput Reject(EchoInput input) =>
        throw new ConnectorInputException("Rejected", $"text '{input.Text}' is not acceptable with {input.Token}", new { token = input.Token }) { Field = "text" };

    /// <summary>Fails with its own error: code, retry flag, status and details kept.</summary>
    [Operation("fail")]
    public EchoOutput Fail(EchoInput input) =>
        throw new ConnectorException("Upstream503", $"upstream refused token {input.Token}", retryable: true, new { token = input.Token, hint = "later" }) { StatusCode = 503 };

    /// <summary>Crashes with an exception that is not the connector's own error.</summary>
    [Operation("crash")]
    public EchoOutput Crash(EchoInput input) => throw new InvalidOperationException($"crashed holding {input.Token}");

    /// <summary>Returns a number JSON cannot hold.</summary>
    [Operation("overflow")]
    public NumberOutput Overflow(EchoInput input) => new() { Value = double.MaxValue * input.Count };

    /// <summary>Waits far longer than any timeout, honouring cancellation; logs when it starts and when it is cancelled.</summary>
    [Operation("slow", TimeoutSeconds = 60)]
    public async Task<EchoOutput> SlowAsync(EchoInput input, IConnectorContext context)
    {
        context.Logger.LogInformation("conformance slow {Text} started", input.Text);
        try
        {
            await Task.Delay(TimeSpan.FromMinutes(5), context.CancellationToken);
        }
        catch (OperationCanceledException)
        {
            context.Logger.LogInformation("conformance slow {Text} cancelled", input.Text);
            throw;
        }
        return new EchoOutput { Text = input.Text };
    }

    /// <summary>Answers with a status and headers of its own.</summary>
    [Operation("respond")]
    public ConnectorResponse Respond(EchoInput input) =>
        new(new { created = input.Text }, 201) { Headers = new Dictionary<string, string> { ["X-Token"] = input.Token ?? "" }, MediaType = "application/json" };

    /// <summary>Names the protocol's own details of the call it can see: a Zeebe job, a SpiffWorkflow task, or neither.</summary>
    [Operation("features"), SpiffCommand("conformance/Features")]
    public FeaturesOutput Features(EchoInput input, IConnectorContext context) => new()
    {
        Protocol = context.Invocation.Protocol.ToString(),
        JobKey = context.Get<ZeebeJob>()?.Key,
        JobRetries = context.Get<ZeebeJob>()?.Retries,
        ElementId = context.Get<ZeebeJob>()?.ElementId,
        BpmnProcessId = context.Get<ZeebeJob>()?.BpmnProcessId,
        SpiffTaskId = context.Get<SpiffTask>()?.TaskId,
        SpiffTaskData = context.Get<SpiffTask>()?.TaskData?.GetRawText(),
    };

    public void Dispose()
    {
        if (plugin.Configuration["DisposeMarker"] is { Length: > 0 } marker)
            File.WriteAllText(marker, "disposed");
    }
}

public sealed class EchoInput
{
    [Required]
    public string Text { get; set; } = "";

    [Range(1, 10)]
    public int Count { get; set; } = 1;

    [Secret]
    public string? Token { get; set; }
}

public sealed class EchoOutput
{
    public string? Text { get; set; }
    public int Count { get; set; }
    public string? Token { get; set; }
    public string? Seen { get; set; }
}

public sealed class NumberOutput
{
    public double Value { get; set; }
}

public sealed class FeaturesOutput
{
    public string Protocol { get; set; } = "";
    public long? JobKey { get; set; }
    public int? JobRetries { get; set; }
    public string? ElementId { get; set; }
    public string? BpmnProcessId { get; set; }
    public string? SpiffTaskId { get; set; }
    public string? SpiffTaskData { get; set; }
}
