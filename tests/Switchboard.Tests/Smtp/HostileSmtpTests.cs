using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Switchboard.Tests.Csp;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Smtp;

/// <summary>The host with the shipped SMTP plugin, for talking to servers that misbehave.</summary>
public sealed class HostileSmtpFixture : IAsyncLifetime
{
    private readonly PluginSandbox _sandbox = new();

    public RunningHost Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _sandbox.Add(Repository.ShippedPlugin("Smtp"));
        Host = await RunningHost.StartAsync(_sandbox.Directory);
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        _sandbox.Dispose();
    }
}

/// <summary>SMTP servers that never end a reply, never answer, or vanish after accepting: the connector's answer stays bounded and true.</summary>
public sealed class HostileSmtpTests(HostileSmtpFixture fixture) : IClassFixture<HostileSmtpFixture>
{
    private const string Type = "io.switchboard:smtp:1";

    private static JsonObject Input(int port, string subject = "Invoice 42", string to = "ada@example.com", int timeoutSeconds = 10) => new()
    {
        ["smtp_host"] = "127.0.0.1",
        ["smtp_port"] = port,
        ["smtp_timeout_seconds"] = timeoutSeconds,
        ["email_subject"] = subject,
        ["email_body"] = "Your invoice is attached.",
        ["email_to"] = to,
        ["email_from"] = "Billing <billing@switchboard.test>",
    };

    private Task<CspAnswer> CallAsync(JsonObject input) => fixture.Host.Http.PostAsync(CspCall.Request(1, Type, input));

    [Theory]
    [InlineData("220-first\r\n", "220-continued\r\n")]
    [InlineData("220 ", "xxxxxxxxxxxxxxxx")]
    public async Task A_server_whose_reply_never_ends_is_given_up_on_before_the_host_has_read_hundreds_of_megabytes(string start, string more)
    {
        const long Threshold = 256L * 1024 * 1024;
        var pastThreshold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var peer = new HostileSmtpPeer(async (stream, stop) =>
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(start), stop);
            var chunk = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat(more, 64 * 1024 / more.Length)));
            // Every write blocks until the connector has read enough of the last ones: only a connector that keeps reading lets this end.
            for (long sent = 0; sent < Threshold; sent += chunk.Length)
                await stream.WriteAsync(chunk, stop);
            pastThreshold.TrySetResult();
            await Task.Delay(Timeout.Infinite, stop);
        });

        var call = CallAsync(Input(peer.Port));
        var first = await Task.WhenAny(call, pastThreshold.Task);

        first.Should().BeSameAs(call, $"the connector read all {Threshold >> 20} MB of one reply and was still reading");
        var answer = await call;
        answer.ErrorData!["errorCode"]!.GetValue<string>().Should().Be("SmtpReplyTooLarge", answer.Text);
        answer.ErrorData["retryable"]!.GetValue<bool>().Should().BeFalse("a server that sends endless replies does so again");
        answer.ErrorData["errorMessage"]!.GetValue<string>().Should().Contain($"127.0.0.1:{peer.Port}").And.Contain("64 KiB");
    }

    [Theory]
    [InlineData("never answers QUIT")]
    [InlineData("hangs up after accepting")]
    public async Task A_message_the_server_accepted_is_a_success_whatever_the_server_does_after_it(string behaviour)
    {
        var accepted = 0;
        var hangUp = behaviour.StartsWith("hangs up");
        await using var peer = HostileSmtpPeer.Conversation(
            async (_, writer, stop) =>
            {
                await writer.WriteLineAsync("250 2.0.0 queued as 42");
                Interlocked.Increment(ref accepted);
                return !hangUp;
            },
            (_, stop) => Task.Delay(Timeout.Infinite, stop));
        var started = Stopwatch.StartNew();

        // A long smtp_timeout_seconds: the goodbye after acceptance must be short whatever it says.
        var answer = await CallAsync(Input(peer.Port, timeoutSeconds: 30));

        Volatile.Read(ref accepted).Should().Be(1, "the server accepted the message with 250");
        answer.Error.Should().BeNull($"the server accepted the message ({behaviour}); a retryable failure makes every retry send the email again: {answer.Text}");
        answer.Result!["output"]!["serverResponse"]!.GetValue<string>().Should().Contain("queued as 42");
        started.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(20), "QUIT after acceptance is a courtesy, bounded well below smtp_timeout_seconds");
    }

    [Theory]
    [InlineData("subject", "Hello\r\nBcc: victim@evil.example")]
    [InlineData("subject", "Hello\nX-Injected: yes")]
    [InlineData("to", "\"Ada\r\nX-Injected: yes\" <ada@example.com>")]
    public async Task CR_LF_in_a_field_never_becomes_a_header_of_its_own(string field, string value)
    {
        var data = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var peer = HostileSmtpPeer.Conversation(
            async (message, writer, _) =>
            {
                data.TrySetResult(message);
                await writer.WriteLineAsync("250 queued");
                return true;
            },
            (writer, _) => writer.WriteLineAsync("221 bye"));
        var input = Input(peer.Port, subject: field == "subject" ? value : "Invoice 42", to: field == "to" ? value : "ada@example.com");

        var answer = await CallAsync(input);

        if (answer.Error is not null)
        {
            answer.ErrorCode.Should().Be(-32602, "refusing the input is fine, failing otherwise is not: " + answer.Text);
            return;
        }
        var sent = await data.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var headers = sent[..sent.IndexOf("\n\n", StringComparison.Ordinal)].Split('\n');
        headers.Should().NotContain(h => h.StartsWith("Bcc:", StringComparison.OrdinalIgnoreCase) || h.StartsWith("X-Injected:", StringComparison.OrdinalIgnoreCase),
            "a CR/LF in an input field must not add a header: " + sent);
    }

    [Fact]
    public async Task A_server_that_never_says_a_word_is_SmtpTimeout_after_smtp_timeout_seconds()
    {
        await using var peer = new HostileSmtpPeer((_, stop) => Task.Delay(Timeout.Infinite, stop));
        var started = Stopwatch.StartNew();

        var answer = await CallAsync(Input(peer.Port, timeoutSeconds: 2));

        answer.ErrorData!["errorCode"]!.GetValue<string>().Should().Be("SmtpTimeout", answer.Text);
        answer.ErrorData["retryable"]!.GetValue<bool>().Should().BeTrue();
        started.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(30));
    }

    // MailKit's timeout holds each read: a server sending one more line of its greeting every 200 ms was never timed out,
    // and the call waited for the connector's own timeout (120 s).
    [Fact]
    public async Task A_server_that_trickles_a_reply_that_never_ends_is_SmtpTimeout_after_smtp_timeout_seconds()
    {
        await using var peer = new HostileSmtpPeer(async (stream, stop) =>
        {
            while (!stop.IsCancellationRequested)
            {
                await stream.WriteAsync("220-still greeting\r\n"u8.ToArray(), stop);
                await Task.Delay(200, stop);
            }
        });

        var answer = await CallAsync(Input(peer.Port, timeoutSeconds: 2)).WaitAsync(TimeSpan.FromSeconds(60));

        answer.ErrorData!["errorCode"]!.GetValue<string>().Should().Be("SmtpTimeout", answer.Text);
        answer.ErrorData["retryable"]!.GetValue<bool>().Should().BeTrue();
    }

    [Fact]
    public async Task A_server_that_answers_every_login_step_with_another_challenge_is_an_smtp_error_that_never_shows_the_password()
    {
        await using var peer = new HostileSmtpPeer(async (stream, stop) =>
        {
            using var reader = new StreamReader(stream, Encoding.ASCII);
            var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
            await writer.WriteLineAsync("220 hostile ESMTP");
            while (await reader.ReadLineAsync(stop) is { } line)
            {
                if (line.StartsWith("EHLO", StringComparison.OrdinalIgnoreCase))
                    await writer.WriteLineAsync("250-hostile\r\n250 AUTH LOGIN");
                else if (line.StartsWith("QUIT", StringComparison.OrdinalIgnoreCase))
                    return;
                else
                    await writer.WriteLineAsync("334 VXNlcm5hbWU6");
            }
        });
        var input = Input(peer.Port);
        input["smtp_user"] = "someone";
        input["smtp_password"] = "smtp-pass-S3CRET";
        input["smtp_allow_insecure_auth"] = true;

        var answer = await CallAsync(input);

        answer.ErrorData!["errorCode"]!.GetValue<string>().Should().StartWith("Smtp", answer.Text);
        answer.Text.Should().NotContain("smtp-pass-S3CRET");
    }
}
