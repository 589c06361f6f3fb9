using Microsoft.Extensions.Logging;
using Newtonsoft.Json;
using Switchboard.Abstractions;
using Switchboard.Abstractions.Spiff;

namespace Switchboard.TestPlugins.ReloadProbe;

/// <summary>Says which build of the plugin answers, and waits on request, so reload tests can see generations switch.</summary>
[Connector("test.switchboard:probe:1", Name = "Reload probe"), SpiffCommand("probe/Identify")]
public sealed class ProbeConnector
{
#if V2
    public const string Variant = "v2";
#else
    public const string Variant = "v1";
#endif

    /// <summary>Names the variant, after a Newtonsoft round trip of the plugin's own type (the case that used to pin unloads).</summary>
    [Operation("identify"), SpiffCommand("probe/Identify")]
    public ProbeIdentity Identify(ProbeInput input, IConnectorContext context)
    {
        var json = JsonConvert.SerializeObject(new ProbeIdentity { Variant = Variant, Echo = input.Echo });
        var back = JsonConvert.DeserializeObject<ProbeIdentity>(json)!;
        back.Newtonsoft = typeof(JsonConvert).Assembly.GetName().Version!.ToString();
        back.PluginDirectory = context.PluginDirectory;
        return back;
    }

    /// <summary>Fails on purpose with the requested code, quoting its secret token (which the host must mask).</summary>
    [Operation("fail"), SpiffCommand("probe/Fail")]
    public ProbeIdentity Fail(FailInput input, IConnectorContext context)
    {
        context.Logger.LogWarning("probe about to fail with token {Token}", input.Token);
        if (input.Code == "Crash")
            throw new InvalidOperationException($"crashed while holding {input.Token}");
        throw new ConnectorException(input.Code, $"upstream rejected token {input.Token}", input.Retryable, new { token = input.Token, hint = "check the token" });
    }

    /// <summary>Waits the given time, or until the release file exists when one is named (optionally deaf to
    /// cancellation), then names the variant. A release file lets a test hold a call for exactly as long as it needs.</summary>
    [Operation("wait", TimeoutSeconds = 5), SpiffCommand("probe/Wait")]
    public async Task<ProbeIdentity> WaitAsync(WaitInput input, IConnectorContext context)
    {
        var cancellation = input.IgnoreCancellation ? CancellationToken.None : context.CancellationToken;
        if (input.ReleaseFile is { Length: > 0 } release)
        {
            while (!File.Exists(release))
                await Task.Delay(20, cancellation);
        }
        else
            await Task.Delay(input.Milliseconds, cancellation);
        return new ProbeIdentity { Variant = Variant, Echo = input.Milliseconds.ToString() };
    }
}

public sealed class ProbeInput
{
    public string? Echo { get; set; }
}

public sealed class FailInput
{
    [Secret]
    public string Token { get; set; } = "";
    public string Code { get; set; } = "ProbeFailed";
    public bool Retryable { get; set; }
}

public sealed class WaitInput
{
    public int Milliseconds { get; set; }
    public bool IgnoreCancellation { get; set; }
    public string? ReleaseFile { get; set; }
}

public sealed class ProbeIdentity
{
    public string Variant { get; set; } = "";
    public string? Echo { get; set; }
    public string? Newtonsoft { get; set; }
    public string? PluginDirectory { get; set; }
}
