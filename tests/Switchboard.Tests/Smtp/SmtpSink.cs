using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Smtp;

/// <summary>npm's smtp-server on a loopback port, run by node: a real SMTP peer that records each message it accepts.</summary>
public sealed class SmtpSink : IAsyncDisposable
{
    public const string User = "mailer";
    public const string Password = "sink-password-7Q";

    private readonly Process _node;
    private readonly Channel<JsonObject> _messages = Channel.CreateUnbounded<JsonObject>();
    private readonly TaskCompletionSource<int> _port = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private SmtpSink(Process node)
    {
        _node = node;
        _node.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not { Length: > 0 } line || JsonNode.Parse(line) is not JsonObject json)
                return;
            if (json["listening"] is { } port)
                _port.TrySetResult(port.GetValue<int>());
            else if (json["auth"] is not null)
                Interlocked.Increment(ref _authAttempts);
            else
                _messages.Writer.TryWrite(json);
        };
        _node.Exited += (_, _) => _port.TrySetException(new InvalidOperationException("the SMTP sink exited before listening"));
    }

    private int _authAttempts;

    public int Port { get; private set; }

    /// <summary>Login attempts the server saw so far (printed before the next accepted message, so reading it after <see cref="NextAsync"/> is exact).</summary>
    public int AuthAttempts => Volatile.Read(ref _authAttempts);

    public static async Task<SmtpSink> StartAsync()
    {
        var package = await NpmPackage.InstallAsync("smtp-server@3.21.6");
        // The script sits beside node_modules so require() finds smtp-server without NODE_PATH.
        var prefix = Path.GetFullPath(Path.Combine(package, "..", ".."));
        var script = Path.Combine(prefix, "smtp-sink.cjs");
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Smtp", "smtp-sink.cjs"), script, overwrite: true);
        var node = new Process
        {
            StartInfo = new ProcessStartInfo("node", [script, Password])
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            },
            EnableRaisingEvents = true,
        };
        node.Start();
        var sink = new SmtpSink(node);
        node.BeginOutputReadLine();
        node.BeginErrorReadLine();
        sink.Port = await sink._port.Task.WaitAsync(TimeSpan.FromSeconds(30));
        return sink;
    }

    /// <summary>The next message the server accepted: envelope <c>from</c>, <c>to</c>, the authenticated <c>user</c> and the <c>raw</c> MIME text.</summary>
    public async Task<JsonObject> NextAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        return await _messages.Reader.ReadAsync(timeout.Token);
    }

    /// <summary>Whether any message arrived so far.</summary>
    public bool Received => _messages.Reader.Count > 0;

    public async ValueTask DisposeAsync()
    {
        _node.StandardInput.Close();
        if (!_node.WaitForExit(5000))
            _node.Kill(entireProcessTree: true);
        await _node.WaitForExitAsync();
        _node.Dispose();
    }
}
