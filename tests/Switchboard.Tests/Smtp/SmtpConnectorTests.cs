using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using MimeKit;
using Switchboard.Abstractions;
using Switchboard.Core;
using Switchboard.Core.Invoking;
using Switchboard.Host.Invocation;
using Switchboard.Tests.Csp;
using Switchboard.Tests.Infrastructure;
using Switchboard.Tests.Spiff;

namespace Switchboard.Tests.Smtp;

/// <summary>The host with the shipped SMTP plugin, and a real SMTP server on loopback, shared by the class's tests.</summary>
public sealed class SmtpFixture : IAsyncLifetime
{
    private readonly PluginSandbox _sandbox = new();

    public RunningHost Host { get; private set; } = null!;
    public SmtpSink Sink { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _sandbox.Add(Repository.ShippedPlugin("Smtp"));
        Sink = await SmtpSink.StartAsync();
        Host = await RunningHost.StartAsync(_sandbox.Directory);
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Sink.DisposeAsync();
        _sandbox.Dispose();
    }
}

[Collection(nameof(SmtpConnectorTests))]
[CollectionDefinition(nameof(SmtpConnectorTests), DisableParallelization = true)]
public sealed class SmtpConnectorTests(SmtpFixture fixture) : IClassFixture<SmtpFixture>
{
    private const string Type = "io.switchboard:smtp:1";

    private JsonObject Input(string to = "ada@example.com", bool withLogin = false) => new()
    {
        ["smtp_host"] = "127.0.0.1",
        ["smtp_port"] = fixture.Sink.Port,
        ["smtp_user"] = withLogin ? SmtpSink.User : null,
        ["smtp_password"] = withLogin ? SmtpSink.Password : null,
        // The sink offers no STARTTLS: a login there is clear text, which must be asked for.
        ["smtp_allow_insecure_auth"] = withLogin,
        ["email_subject"] = "Invoice 42",
        ["email_body"] = "Your invoice is attached.",
        ["email_to"] = to,
        ["email_from"] = "Billing <billing@switchboard.test>",
    };

    private static MimeMessage Parse(JsonObject received) =>
        MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(received["raw"]!.GetValue<string>())));

    private Task<CspAnswer> CallAsync(JsonObject input) => fixture.Host.Http.PostAsync(CspCall.Request(1, Type, input));

    [Fact]
    public async Task Spiff_SendEmail_delivers_to_cc_and_bcc_with_both_bodies_reply_to_and_login()
    {
        var input = Input("Ada <ada@example.com>, bob@example.com", withLogin: true);
        input["email_cc"] = "carol@example.com";
        input["email_bcc"] = "audit@example.com";
        input["email_reply_to"] = "support@switchboard.test";
        input["email_body_html"] = "<p>Your invoice is <b>attached</b>.</p>";
        input["spiff__task_id"] = "t-1";

        var call = await SpiffCall.DoAsync(fixture.Host.Http, "smtp/SendEmail", input.ToJsonString());
        var received = await fixture.Sink.NextAsync();

        call.Json["error"].Should().BeNull(call.Text);
        var body = call.Json["command_response"]!["body"]!;
        body["recipients"]!.AsArray().Select(r => r!.GetValue<string>()).Should()
            .BeEquivalentTo("ada@example.com", "bob@example.com", "carol@example.com", "audit@example.com");
        received["user"]!.GetValue<string>().Should().Be(SmtpSink.User, "the connector logged in with the given credentials");
        received["from"]!.GetValue<string>().Should().Be("billing@switchboard.test");
        received["to"]!.AsArray().Select(r => r!.GetValue<string>()).Should().Contain("audit@example.com", "bcc is in the envelope");

        var message = Parse(received);
        message.MessageId.Should().Be(body["messageId"]!.GetValue<string>());
        message.Subject.Should().Be("Invoice 42");
        message.From.Mailboxes.Should().ContainSingle().Which.Should().Match<MailboxAddress>(m => m.Name == "Billing" && m.Address == "billing@switchboard.test");
        message.To.Mailboxes.Select(m => m.Address).Should().Equal("ada@example.com", "bob@example.com");
        message.To.Mailboxes.First().Name.Should().Be("Ada");
        message.Cc.Mailboxes.Select(m => m.Address).Should().Equal("carol@example.com");
        message.ReplyTo.Mailboxes.Select(m => m.Address).Should().Equal("support@switchboard.test");
        message.Headers.Contains(HeaderId.Bcc).Should().BeFalse("blind copies never show in the headers");
        message.TextBody.Should().StartWith("Your invoice is attached.");
        message.HtmlBody.Should().Contain("<b>attached</b>");
    }

    [Fact]
    public async Task Csp_call_with_a_text_body_and_no_login_is_delivered()
    {
        var answer = await CallAsync(Input("dave@example.com"));
        var received = await fixture.Sink.NextAsync();

        answer.Error.Should().BeNull(answer.Text);
        answer.Result!["output"]!["recipients"]![0]!.GetValue<string>().Should().Be("dave@example.com");
        received["user"].Should().BeNull();
        Parse(received).HtmlBody.Should().BeNull();
    }

    [Fact]
    public async Task A_recipient_the_server_refuses_is_a_permanent_error_and_nothing_is_sent()
    {
        var answer = await CallAsync(Input("ada@example.com, reject-me@example.com"));

        answer.ErrorData!["errorCode"]!.GetValue<string>().Should().Be("SmtpRecipientRejected");
        answer.ErrorData["retryable"]!.GetValue<bool>().Should().BeFalse("550 is permanent");
        answer.ErrorData["errorMessage"]!.GetValue<string>().Should().Contain("reject-me@example.com").And.Contain("550");
        fixture.Sink.Received.Should().BeFalse("MailKit stops before the data when a recipient is refused");

        var spiff = await SpiffCall.DoAsync(fixture.Host.Http, "smtp/SendEmail", Input("reject-me@example.com").ToJsonString());
        spiff.Json["command_response"]!["http_status"]!.GetValue<int>().Should().Be(422, "SpiffArena must not retry a refused recipient");
        spiff.Json["error"]!["error_code"]!.GetValue<string>().Should().Be("SmtpRecipientRejected");
    }

    [Fact]
    public async Task A_recipient_refused_for_now_is_a_retryable_error()
    {
        var answer = await CallAsync(Input("later@example.com"));

        answer.ErrorData!["errorCode"]!.GetValue<string>().Should().Be("SmtpRecipientRejected");
        answer.ErrorData["retryable"]!.GetValue<bool>().Should().BeTrue("451 says try again later");
    }

    [Fact]
    public async Task Wrong_credentials_are_a_permanent_auth_error_that_never_shows_the_password()
    {
        var input = Input(withLogin: true);
        input["smtp_password"] = "not-the-password-Z9";

        var answer = await CallAsync(input);

        answer.ErrorData!["errorCode"]!.GetValue<string>().Should().Be("SmtpAuthFailed");
        answer.ErrorData["retryable"]!.GetValue<bool>().Should().BeFalse();
        answer.Text.Should().NotContain("not-the-password-Z9");
    }

    [Fact]
    public async Task A_login_over_a_connection_without_tls_is_refused_unless_allowed_and_the_password_never_leaves()
    {
        var input = Input(withLogin: true);
        input.Remove("smtp_allow_insecure_auth");
        var loginsBefore = fixture.Sink.AuthAttempts;

        var answer = await CallAsync(input);
        var spiff = await SpiffCall.DoAsync(fixture.Host.Http, "smtp/SendEmail", input.ToJsonString());

        answer.ErrorCode.Should().Be(-32602, answer.Text);
        answer.ErrorData!["errorCode"]!.GetValue<string>().Should().Be("SmtpInsecureAuthRefused");
        answer.ErrorData["retryable"]!.GetValue<bool>().Should().BeFalse();
        answer.ErrorData["errorMessage"]!.GetValue<string>().Should().Contain("clear text").And.Contain("smtp_allow_insecure_auth");
        spiff.Json["command_response"]!["http_status"]!.GetValue<int>().Should().Be(400, spiff.Text);
        // The sink prints in order: once a later message has arrived, any AUTH before it has been counted.
        (await CallAsync(Input("marker@example.com"))).Error.Should().BeNull();
        (await fixture.Sink.NextAsync())["to"]![0]!.GetValue<string>().Should().Be("marker@example.com", "the refused calls sent no message");
        fixture.Sink.AuthAttempts.Should().Be(loginsBefore, "the password was never sent");
    }

    [Theory]
    [InlineData("smtp.exa mple.com")]
    [InlineData("host/with/slashes")]
    [InlineData("[::1")]
    public async Task A_host_that_is_no_host_name_is_a_permanent_input_error(string host)
    {
        var input = Input();
        input["smtp_host"] = host;

        var answer = await CallAsync(input);

        answer.ErrorCode.Should().Be(-32602, answer.Text);
        answer.ErrorData!["retryable"]!.GetValue<bool>().Should().BeFalse();
        answer.InvalidFields.Should().Contain("smtp_host");
    }

    [Fact]
    public async Task A_server_that_is_down_is_a_retryable_connect_error()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var closedPort = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var input = Input();
        input["smtp_port"] = closedPort;

        var answer = await CallAsync(input);

        answer.ErrorData!["errorCode"]!.GetValue<string>().Should().Be("SmtpConnectFailed");
        answer.ErrorData["retryable"]!.GetValue<bool>().Should().BeTrue();
        answer.ErrorData["errorMessage"]!.GetValue<string>().Should().Contain($"127.0.0.1:{closedPort}");
    }

    [Fact]
    public async Task Requiring_STARTTLS_from_a_server_without_it_is_a_permanent_tls_error()
    {
        var input = Input();
        input["smtp_starttls"] = true;

        var answer = await CallAsync(input);

        answer.ErrorData!["errorCode"]!.GetValue<string>().Should().Be("SmtpTlsFailed");
        answer.ErrorData["retryable"]!.GetValue<bool>().Should().BeFalse();
    }

    [Theory]
    [InlineData("email_to", "not an address", "InvalidAddress")]
    [InlineData("email_cc", "carol@", "InvalidAddress")]
    [InlineData("email_from", "", "InvalidAddress")]
    public async Task A_bad_address_is_an_input_error_naming_its_field(string field, string value, string code)
    {
        var input = Input();
        input[field] = value;

        var answer = await CallAsync(input);
        var spiff = await SpiffCall.DoAsync(fixture.Host.Http, "smtp/SendEmail", input.ToJsonString());

        answer.ErrorCode.Should().Be(-32602);
        answer.ErrorData!["errorCode"]!.GetValue<string>().Should().BeOneOf(code, "InvalidParameters");
        answer.InvalidFields.Should().Contain(field);
        spiff.Json["command_response"]!["http_status"]!.GetValue<int>().Should().Be(400);
    }

    [Fact]
    public async Task A_message_without_any_body_or_with_both_tls_choices_is_refused_before_connecting()
    {
        var input = Input();
        input.Remove("email_body");
        input["smtp_starttls"] = true;
        input["smtp_ssl"] = true;

        var answer = await CallAsync(input);

        answer.ErrorCode.Should().Be(-32602);
        answer.InvalidFields.Should().BeEquivalentTo("email_body", "smtp_ssl");
    }

    [Fact]
    public async Task The_password_never_reaches_a_log_line()
    {
        await using var harness = await CatalogHarness.StartAsync(sandbox => sandbox.Add(Repository.ShippedPlugin("Smtp")), watch: false);
        var wrong = Input(withLogin: true);
        wrong["smtp_password"] = "wrong-secret-Q7";

        var sent = await harness.Pipeline.InvokeAsync(new Invocation(Type, null, Input(withLogin: true), Protocol.InProcess));
        sent.Error.Should().BeNull(sent.Error?.Message);
        await fixture.Sink.NextAsync();
        var refused = await harness.Pipeline.InvokeAsync(new Invocation(Type, null, wrong, Protocol.InProcess));

        sent.Error.Should().BeNull();
        refused.Error!.Code.Should().Be("SmtpAuthFailed");
        harness.Logs.All.Should().Contain("smtp").And.NotContain(SmtpSink.Password).And.NotContain("wrong-secret-Q7");
    }
}
