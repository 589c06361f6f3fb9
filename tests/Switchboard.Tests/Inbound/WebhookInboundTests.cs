using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Tests.Infrastructure;
using Switchboard.ZeebeTestGateway;

namespace Switchboard.Tests.Inbound;

/// <summary>Camunda's webhook connector served at <c>/inbound/{context}</c> for activations declared in configuration:
/// an HTTP request in, a process instance created or a message published on the gateway, with the FEEL-computed key,
/// id and variables; and the answers Camunda's runtime gives for every other outcome.</summary>
public class WebhookInboundTests : IAsyncLifetime
{
    /// <summary>Settings that put the plugin under test in a worker process (<see cref="IsolatedWebhookInboundTests"/>); none here.</summary>
    protected virtual string[] Isolation => [];

    private const string Webhook = "io.camunda:webhook:1";
    private const string Secret = "hmac-s3cret";
    private readonly PluginSandbox _sandbox = new();
    private TestGatewayServer _gateway = null!;
    private RunningHost _host = null!;

    public async Task InitializeAsync()
    {
        _gateway = await TestGatewayServer.StartAsync();
        _gateway.Gateway.Deploy("orders");
        _sandbox.Add(Repository.ShippedPlugin("Webhook"));
        _host = await RunningHost.StartAsync(_sandbox.Directory,
        [
            .. Isolation,
            "Switchboard:Zeebe:Address=" + _gateway.Address,
            .. Activation("start", ("inbound.context", "new-order"), ("bpmnProcessId", "orders"), ("resultVariable", "order")),
            .. Activation("payment", ("inbound.context", "payment"), ("inbound.method", "post"), ("messageName", "payment-received"),
                ("correlationKeyExpression", "=request.body.orderId"), ("messageIdExpression", "=request.body.paymentId"),
                ("messageTtl", "PT10M"), ("resultExpression", "={amount: request.body.amount, currency: get value(request.headers, \"x-currency\")}")),
            .. Activation("large", ("inbound.context", "large"), ("messageName", "large-order"), ("correlationKeyExpression", "=request.body.orderId"),
                ("activationCondition", "=request.body.amount > 100")),
            .. Activation("large-or-drop", ("inbound.context", "large-or-drop"), ("messageName", "large-order"),
                ("correlationKeyExpression", "=request.body.orderId"), ("activationCondition", "=request.body.amount > 100"), ("consumeUnmatchedEvents", "true")),
            .. Activation("signed", ("inbound.context", "signed"), ("messageName", "signed-event"), ("correlationKeyExpression", "=request.body.id"),
                ("inbound.shouldValidateHmac", "enabled"), ("inbound.hmacSecret", Secret), ("inbound.hmacHeader", "X-Signature"), ("inbound.hmacAlgorithm", "sha_256")),
            .. Activation("twilio", ("inbound.context", "twilio"), ("messageName", "sms"), ("correlationKeyExpression", "=request.body.From"),
                ("resultExpression", "={text: request.body.Body}"),
                // As Camunda's Twilio template sets them (hidden there).
                ("inbound.shouldValidateHmac", "enabled"), ("inbound.hmacSecret", Secret), ("inbound.hmacHeader", "x-twilio-signature"),
                ("inbound.hmacAlgorithm", "sha_1"), ("inbound.hmacScopes", "=[\"url\",\"body\",\"parameters\"]")),
            .. Activation("signed-query", ("inbound.context", "signed-query"), ("messageName", "signed-query"), ("correlationKeyExpression", "=request.params.a"),
                ("inbound.shouldValidateHmac", "enabled"), ("inbound.hmacSecret", Secret), ("inbound.hmacHeader", "X-Signature"),
                ("inbound.hmacScopes", "=[\"url\",\"parameters\"]")),
            .. Activation("url-only", ("inbound.context", "url-only"), ("bpmnProcessId", "orders"),
                ("inbound.shouldValidateHmac", "enabled"), ("inbound.hmacSecret", Secret), ("inbound.hmacHeader", "X-Signature"),
                ("inbound.hmacScopes", "=[\"url\"]")),
            .. Activation("unknown-process", ("inbound.context", "unknown-process"), ("bpmnProcessId", "never-deployed")),
            .. Activation("basic", ("inbound.context", "basic"), ("bpmnProcessId", "orders"), ("inbound.auth.type", "BASIC"),
                ("inbound.auth.username", "shop"), ("inbound.auth.password", "pa55word")),
            .. Activation("apikey", ("inbound.context", "apikey"), ("bpmnProcessId", "orders"), ("inbound.auth.type", "APIKEY"),
                ("inbound.auth.apiKey", "k3y-value")),
            .. Activation("apikey-header", ("inbound.context", "apikey-header"), ("bpmnProcessId", "orders"), ("inbound.auth.type", "APIKEY"),
                ("inbound.auth.apiKey", "k3y-value"), ("inbound.auth.apiKeyLocator", "=get value(request.headers, \"x-api-key\")")),
            .. Activation("apikey-body", ("inbound.context", "apikey-body"), ("messageName", "keyed"), ("correlationKeyExpression", "=request.body.order"),
                ("inbound.auth.type", "APIKEY"), ("inbound.auth.apiKey", "k3y-value"), ("inbound.auth.apiKeyLocator", "=request.body.token")),
            .. Activation("shaped", ("inbound.context", "shaped"), ("bpmnProcessId", "orders"),
                ("inbound.responseExpression", "={statusCode: 201, body: {received: request.body.id, instance: correlation.key}, headers: {\"X-Flow\": \"orders\"}}")),
            .. Activation("echo", ("inbound.context", "echo"), ("bpmnProcessId", "orders"), ("inbound.responseBodyExpression", "=request.body.challenge")),
            .. Activation("verified", ("inbound.context", "verified"), ("messageName", "slack-event"), ("correlationKeyExpression", "=request.body.event.channel"),
                ("inbound.verificationExpression", "=if request.body.type = \"url_verification\" then {body: {challenge: request.body.challenge}, statusCode: 200, headers: {\"X-Verified\": \"yes\"}} else null")),
            .. Activation("bad-header", ("inbound.context", "bad-header"), ("bpmnProcessId", "orders"),
                ("inbound.responseExpression", "={statusCode: 200, headers: {\"X-Split\": \"a\nb\"}}")),
            .. Activation("broken", ("inbound.context", "broken"), ("messageName", "m"), ("correlationKeyExpression", "=request.body.(")),
            .. Activation("self-holding", ("inbound.context", "self-holding"), ("messageName", "m"), ("correlationKeyExpression", "=request.body.k"),
                ("resultExpression", "={x: for i in 1..2 return partial}")),
            .. Activation("endless", ("inbound.context", "endless"), ("messageName", "m"),
                ("correlationKeyExpression", "=string(count(for i in 1..1000000000 return i))")),
            .. Activation("shaped-by-request", ("inbound.context", "shaped-by-request"), ("messageName", "shaped-event"),
                ("correlationKeyExpression", "=request.body.k"),
                ("inbound.responseExpression", "={statusCode: request.body.s, body: {x: 1}, headers: {\"X-Flow\": request.body.h}}")),
            .. Activation("framed-by-request", ("inbound.context", "framed-by-request"), ("messageName", "framed-event"),
                ("correlationKeyExpression", "=request.body.k"), ("inbound.responseExpression", "={body: {x: \"hello\"}, headers: request.body.h}")),
            .. Activation("verified-framing", ("inbound.context", "verified-framing"), ("messageName", "framed-event"),
                ("correlationKeyExpression", "=request.body.k"), ("inbound.verificationExpression", "={body: {x: \"hello\"}, headers: request.body.h}")),
        ]);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _gateway.DisposeAsync();
        _sandbox.Dispose();
    }

    private static IEnumerable<string> Activation(string id, params (string Key, string Value)[] properties) =>
        properties.Prepend((Key: "inbound.type", Value: Webhook)).Select(p => $"Switchboard:Inbound:Activations:{id}:{p.Key}={p.Value}");

    private async Task<(HttpStatusCode Status, JsonNode Body)> PostAsync(string context, string json, Action<HttpRequestMessage>? configure = null,
        HttpMethod? method = null)
    {
        using var request = new HttpRequestMessage(method ?? HttpMethod.Post, "/inbound/" + context) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        configure?.Invoke(request);
        using var response = await _host.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonNode.Parse(text.Length == 0 ? $"{{\"empty\":{(int)response.StatusCode}}}" : text)!);
    }

    [Fact]
    public async Task A_request_to_a_start_event_creates_an_instance_with_the_request_under_the_result_variable()
    {
        var (status, body) = await PostAsync("new-order", """{"id":7,"items":["book"]}""");

        status.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        body["status"]!.GetValue<string>().Should().Be("created");
        var instance = _gateway.Gateway.Instances.Should().ContainSingle().Subject;
        instance.BpmnProcessId.Should().Be("orders");
        instance.Variables["order"]!["body"]!["id"]!.GetValue<int>().Should().Be(7);
        instance.Variables["order"]!["headers"]!["content-type"]!.GetValue<string>().Should().Contain("application/json");
        body["key"]!.GetValue<string>().Should().Be(instance.Key.ToString());
    }

    [Fact]
    public async Task A_request_to_a_message_element_publishes_with_the_FEEL_computed_key_id_ttl_and_variables()
    {
        var (status, body) = await PostAsync("payment", """{"orderId":"order-42","paymentId":"p-1","amount":99.5}""",
            r => r.Headers.Add("X-Currency", "EUR"));

        status.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        var message = _gateway.Gateway.Messages.Should().ContainSingle().Subject;
        message.Name.Should().Be("payment-received");
        message.CorrelationKey.Should().Be("order-42");
        message.MessageId.Should().Be("p-1");
        message.TimeToLive.Should().Be(TimeSpan.FromMinutes(10));
        message.Variables.ToJsonString().Should().Be("""{"amount":99.5,"currency":"EUR"}""");
    }

    [Fact]
    public async Task The_same_message_id_again_is_reported_as_already_correlated_and_published_once()
    {
        await PostAsync("payment", """{"orderId":"order-43","paymentId":"p-2","amount":1}""");

        var (status, body) = await PostAsync("payment", """{"orderId":"order-43","paymentId":"p-2","amount":1}""");

        status.Should().Be(HttpStatusCode.Conflict);
        body["status"]!.GetValue<string>().Should().Be("already correlated");
        _gateway.Gateway.Messages.Count(m => m.MessageId == "p-2").Should().Be(1);
    }

    [Fact]
    public async Task An_event_failing_the_activation_condition_is_refused_with_422_or_consumed_with_200()
    {
        var refused = await PostAsync("large", """{"orderId":"o-1","amount":5}""");
        var consumed = await PostAsync("large-or-drop", """{"orderId":"o-1","amount":5}""");
        var matched = await PostAsync("large", """{"orderId":"o-2","amount":500}""");

        refused.Status.Should().Be(HttpStatusCode.UnprocessableEntity);
        consumed.Status.Should().Be(HttpStatusCode.OK);
        consumed.Body["status"]!.GetValue<string>().Should().Be("consumed");
        matched.Status.Should().Be(HttpStatusCode.OK);
        _gateway.Gateway.Messages.Where(m => m.Name == "large-order").Select(m => m.CorrelationKey).Should().Equal("o-2");
    }

    [Fact]
    public async Task A_wrong_method_is_405_and_a_missing_or_wrong_HMAC_signature_is_401_and_nothing_is_published()
    {
        const string json = """{"id":"e-1"}""";
        var signature = Convert.ToHexString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes(json))).ToLowerInvariant();

        var wrongMethod = await PostAsync("payment", "{}", method: HttpMethod.Put);
        var unsigned = await PostAsync("signed", json);
        var forged = await PostAsync("signed", json, r => r.Headers.Add("X-Signature", "sha256=" + new string('0', 64)));
        var signed = await PostAsync("signed", json, r => r.Headers.Add("X-Signature", "sha256=" + signature));

        wrongMethod.Status.Should().Be(HttpStatusCode.MethodNotAllowed);
        unsigned.Status.Should().Be(HttpStatusCode.Unauthorized);
        unsigned.Body["message"]!.GetValue<string>().Should().Contain("X-Signature").And.NotContain(Secret);
        forged.Status.Should().Be(HttpStatusCode.Unauthorized);
        signed.Status.Should().Be(HttpStatusCode.OK, signed.Body.ToJsonString());
        _gateway.Gateway.Messages.Where(m => m.Name == "signed-event").Should().ContainSingle();
    }

    [Fact]
    public async Task A_base64_signature_of_the_body_is_accepted_as_Camunda_accepts_it()
    {
        const string json = """{"id":"e-64"}""";
        var signature = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes(json)));

        var signed = await PostAsync("signed", json, r => r.Headers.Add("X-Signature", signature));
        var forged = await PostAsync("signed", json, r => r.Headers.Add("X-Signature", Convert.ToBase64String(new byte[32])));

        signed.Status.Should().Be(HttpStatusCode.OK, signed.Body.ToJsonString());
        forged.Status.Should().Be(HttpStatusCode.Unauthorized);
        _gateway.Gateway.Messages.Where(m => m.CorrelationKey == "e-64").Should().ContainSingle();
    }

    [Fact]
    public async Task A_Twilio_form_signed_over_the_URL_and_its_sorted_fields_is_accepted_and_its_fields_are_the_body()
    {
        const string form = "From=%2B15550001&Body=Hello+world&AccountSid=AC1";
        var url = new Uri(_host.Http.BaseAddress!, "/inbound/twilio").ToString();
        // Twilio's rule: the URL, then each field's name and value, sorted by name; HMAC-SHA1, base64.
        string Sign(string signedUrl) => Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(Secret),
            Encoding.UTF8.GetBytes(signedUrl + "AccountSid" + "AC1" + "Body" + "Hello world" + "From" + "+15550001")));
        void Form(HttpRequestMessage r, string signature)
        {
            r.Content = new StringContent(form, Encoding.UTF8, "application/x-www-form-urlencoded");
            r.Headers.Add("X-Twilio-Signature", signature);
        }

        var signed = await PostAsync("twilio", "", r => Form(r, Sign(url)));
        var otherUrl = await PostAsync("twilio", "", r => Form(r, Sign(url.Replace("twilio", "elsewhere"))));

        signed.Status.Should().Be(HttpStatusCode.OK, signed.Body.ToJsonString());
        otherUrl.Status.Should().Be(HttpStatusCode.Unauthorized);
        otherUrl.Body["message"]!.GetValue<string>().Should().Contain("URL and body");
        var message = _gateway.Gateway.Messages.Where(m => m.Name == "sms").Should().ContainSingle().Subject;
        message.CorrelationKey.Should().Be("+15550001", "a form body's fields are request.body's, as in Camunda's runtime");
        message.Variables.ToJsonString().Should().Be("""{"text":"Hello world"}""");
    }

    [Fact]
    public async Task A_JSON_body_naming_a_member_twice_is_signed_over_the_URL_and_its_text_not_failed_as_the_connectors_error()
    {
        // Twilio's rule reads a JSON object of texts as its sorted fields; one naming a member twice threw
        // ArgumentException while it was read, and every such request was answered 500 with the exception's text. It is
        // text, as request.body sees it.
        const string json = """{"From":"+15550001","From":"+15550002"}""";
        var url = new Uri(_host.Http.BaseAddress!, "/inbound/twilio").ToString();
        var signature = Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes(url + json)));

        var signed = await PostAsync("twilio", json, r => r.Headers.Add("X-Twilio-Signature", signature));
        var forged = await PostAsync("twilio", json, r => r.Headers.Add("X-Twilio-Signature", Convert.ToBase64String(new byte[20])));

        signed.Status.Should().NotBe(HttpStatusCode.Unauthorized, signed.Body.ToJsonString()).And.NotBe(HttpStatusCode.InternalServerError);
        signed.Body.ToJsonString().Should().NotContain("Exception");
        forged.Status.Should().Be(HttpStatusCode.Unauthorized, forged.Body.ToJsonString());
    }

    [Fact]
    public async Task A_form_body_is_its_fields_even_with_a_bare_name_an_empty_name_and_a_repeated_one()
    {
        // "a" has no value, "=b" no name, x comes twice and X once: as HttpUtility reads it, the bare name and the empty
        // one both became "", which a JSON object cannot hold twice, and the request was answered 500.
        var (status, body) = await PostAsync("new-order", "", r => r.Content = new StringContent("a&=b&x=1&x=2&X=3&From=%2B1555",
            Encoding.UTF8, "application/x-www-form-urlencoded"));

        status.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        var fields = _gateway.Gateway.Instances.Should().ContainSingle().Subject.Variables["order"]!["body"]!.AsObject();
        fields["a"]!.GetValue<string>().Should().BeEmpty();
        fields["From"]!.GetValue<string>().Should().Be("+1555");
        fields["x"]!.GetValue<string>().Should().Be("1,2,3");
    }

    [Fact]
    public async Task A_GET_signed_over_the_URL_and_its_parameters_is_accepted_and_a_scope_combination_nobody_signs_is_named()
    {
        var url = new Uri(_host.Http.BaseAddress!, "/inbound/signed-query").ToString();
        // The parameters as sent, each written as Java's URLEncoder writes it (a space as +, ! as %21).
        var signature = Convert.ToHexString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes(url + "?b=2&a=x+y%21")));
        void Get(HttpRequestMessage r, string context, string? signatureSent)
        {
            r.RequestUri = new Uri($"/inbound/{context}?b=2&a=x%20y%21", UriKind.Relative);
            r.Content = null;
            if (signatureSent is not null)
                r.Headers.Add("X-Signature", signatureSent);
        }

        var signed = await PostAsync("signed-query", "", r => Get(r, "signed-query", signature), HttpMethod.Get);
        var forged = await PostAsync("signed-query", "", r => Get(r, "signed-query", new string('0', 64)), HttpMethod.Get);
        var urlOnly = await PostAsync("url-only", "", r => Get(r, "url-only", signature), HttpMethod.Get);

        signed.Status.Should().Be(HttpStatusCode.OK, signed.Body.ToJsonString());
        _gateway.Gateway.Messages.Where(m => m.Name == "signed-query").Select(m => m.CorrelationKey).Should().Equal("x y!");
        forged.Status.Should().Be(HttpStatusCode.Unauthorized);
        urlOnly.Status.Should().Be(HttpStatusCode.InternalServerError, "the element is modeled wrong, not the request");
        urlOnly.Body["message"]!.GetValue<string>().Should().Contain("inbound.hmacScopes [url]").And.NotContain(Secret);
    }

    [Fact]
    public async Task Basic_credentials_and_API_keys_are_checked_and_refusals_never_show_the_secret()
    {
        static void Basic(HttpRequestMessage r, string user, string password) =>
            r.Headers.Authorization = new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password)));

        var noCredentials = await PostAsync("basic", "{}");
        var wrongPassword = await PostAsync("basic", "{}", r => Basic(r, "shop", "guess"));
        var rightPassword = await PostAsync("basic", "{}", r => Basic(r, "shop", "pa55word"));
        var wrongKey = await PostAsync("apikey", "{}", r => r.Headers.Authorization = new("Bearer", "nope"));
        var rightKey = await PostAsync("apikey", "{}", r => r.Headers.Authorization = new("Bearer", "k3y-value"));
        var keyInHeader = await PostAsync("apikey-header", "{}", r => r.Headers.Add("X-Api-Key", "k3y-value"));

        noCredentials.Status.Should().Be(HttpStatusCode.Unauthorized);
        wrongPassword.Status.Should().Be(HttpStatusCode.Unauthorized);
        wrongPassword.Body.ToJsonString().Should().NotContain("pa55word");
        rightPassword.Status.Should().Be(HttpStatusCode.OK, rightPassword.Body.ToJsonString());
        wrongKey.Status.Should().Be(HttpStatusCode.Unauthorized);
        wrongKey.Body.ToJsonString().Should().NotContain("k3y-value");
        rightKey.Status.Should().Be(HttpStatusCode.OK, rightKey.Body.ToJsonString());
        keyInHeader.Status.Should().Be(HttpStatusCode.OK, keyInHeader.Body.ToJsonString());
    }

    [Fact]
    public async Task An_API_key_located_in_the_body_is_read_from_the_body_the_correlation_reads()
    {
        async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpContent content)
        {
            using var response = await _host.Http.PostAsync("/inbound/apikey-body", content);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }
        static HttpContent Form(string text) => new StringContent(text, Encoding.UTF8, "application/x-www-form-urlencoded");
        // A JSON body behind a byte order mark, as some senders write it: the correlation reads it as JSON.
        var marked = new ByteArrayContent([0xEF, 0xBB, 0xBF, .. """{"token":"k3y-value","order":"o-2"}"""u8]);
        marked.Headers.ContentType = new("application/json");

        var form = await SendAsync(Form("token=k3y-value&order=o-1"));
        var wrongInForm = await SendAsync(Form("token=guess&order=o-3"));
        var bom = await SendAsync(marked);

        // The locator saw a form's text and a marked body's text (its own reading of the body), where the correlation sees
        // fields, as Camunda's connector sees them: a sender with the right key was refused 401.
        form.Status.Should().Be(HttpStatusCode.OK, form.Body);
        bom.Status.Should().Be(HttpStatusCode.OK, bom.Body);
        wrongInForm.Status.Should().Be(HttpStatusCode.Unauthorized, wrongInForm.Body);
        wrongInForm.Body.Should().NotContain("k3y-value");
        _gateway.Gateway.Messages.Select(m => m.CorrelationKey).Should().BeEquivalentTo(["o-1", "o-2"]);
    }

    [Fact]
    public async Task A_response_expression_shapes_status_body_and_headers_after_the_correlation()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/inbound/shaped") { Content = new StringContent("""{"id":5}""", Encoding.UTF8, "application/json") };
        using var response = await _host.Http.SendAsync(request);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var instance = _gateway.Gateway.Instances.Should().ContainSingle().Subject;
        var echo = await PostAsync("echo", """{"challenge":"abc123"}""");

        response.StatusCode.Should().Be(HttpStatusCode.Created);
        response.Headers.GetValues("X-Flow").Should().Equal("orders");
        body["received"]!.GetValue<int>().Should().Be(5);
        body["instance"]!.GetValue<string>().Should().Be(instance.Key.ToString());
        echo.Status.Should().Be(HttpStatusCode.OK);
        echo.Body.GetValue<string>().Should().Be("abc123");
    }

    [Fact]
    public async Task Expressions_that_would_overflow_the_stack_or_never_end_are_stopped_and_the_host_keeps_serving()
    {
        // The first put a list inside itself: its JSON overflowed the stack and the process ended. The second ran a
        // billion iterations on the request's thread until the memory ran out.
        var selfHolding = await PostAsync("self-holding", """{"k":"1"}""");
        var endless = await PostAsync("endless", """{"k":"1"}""");
        var after = await PostAsync("new-order", """{"id":9}""");

        selfHolding.Status.Should().Be(HttpStatusCode.OK, "partial is the results so far: [[], [[]]]; " + selfHolding.Body.ToJsonString());
        _gateway.Gateway.Messages.Should().Contain(m => m.Name == "m" && m.Variables.ToJsonString().Contains("[[],[[]]]"));
        endless.Status.Should().Be(HttpStatusCode.UnprocessableEntity, endless.Body.ToJsonString());
        endless.Body["message"]!.GetValue<string>().Should().Contain("correlationKeyExpression could not be evaluated: the expression was stopped after",
            "the host's engine is on the system clock: the 1,000,000 steps, or on a busy machine the 2 s, whichever comes first");
        after.Status.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task An_expression_that_is_not_FEEL_is_answered_naming_it_and_the_host_keeps_serving()
    {
        var (status, body) = await PostAsync("broken", """{"id":1}""");
        var after = await PostAsync("new-order", """{"id":8}""");

        status.Should().Be(HttpStatusCode.UnprocessableEntity, body.ToJsonString());
        body["message"]!.GetValue<string>().Should().Contain("correlationKeyExpression").And.Contain("line 1");
        after.Status.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_inbound_listing_shows_each_activation_its_path_health_and_what_its_events_came_to()
    {
        await PostAsync("large", """{"orderId":"o-9","amount":1}""");
        await PostAsync("large", """{"orderId":"o-9","amount":1000}""");

        var listing = JsonNode.Parse(await _host.Http.GetStringAsync("/inbound"))!.AsArray();

        var large = listing.Single(a => a!["id"]!.GetValue<string>() == "large")!;
        large["path"]!.GetValue<string>().Should().Be("/inbound/large");
        large["health"]!["status"]!.GetValue<string>().Should().Be("up");
        large["health"]!["plugin"]!.GetValue<string>().Should().Be("Webhook");
        large["activity"]!["received"]!.GetValue<long>().Should().Be(2);
        large["activity"]!["succeeded"]!.GetValue<long>().Should().Be(1);
        large["activity"]!["refused"]!.GetValue<long>().Should().Be(1);
        large["activity"]!["last"]!["status"]!.GetValue<int>().Should().Be(200);
        var plugin = JsonNode.Parse(await _host.Http.GetStringAsync("/plugins"))!.AsArray().Single(p => p!["name"]!.GetValue<string>() == "Webhook")!;
        plugin["inboundConnectors"]!.AsArray().Select(t => t!.GetValue<string>()).Should().Equal("io.camunda:webhook:1");
    }

    [Fact]
    public async Task An_unknown_path_is_404_and_a_gateway_refusal_maps_to_its_HTTP_status()
    {
        var unknown = await PostAsync("no-such-context", "{}");
        var notDeployed = await PostAsync("unknown-process", "{}");

        unknown.Status.Should().Be(HttpStatusCode.NotFound);
        notDeployed.Status.Should().Be(HttpStatusCode.NotFound, "the gateway answers NOT_FOUND for a process that is not deployed");
        notDeployed.Body["message"]!.GetValue<string>().Should().Contain("never-deployed");
    }

    [Fact]
    public async Task With_the_Zeebe_adapter_off_a_webhook_answers_503_and_nothing_counts_as_correlated()
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.ShippedPlugin("Webhook"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory, [.. Activation("off", ("inbound.context", "off"), ("bpmnProcessId", "orders"))]);

        using var response = await host.Http.PostAsync("/inbound/off", new StringContent("{}", Encoding.UTF8, "application/json"));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        body["status"]!.GetValue<string>().Should().Be("failed");
        body["message"]!.GetValue<string>().Should().Contain("ZEEBE_GRPC_ADDRESS");
    }

    [Fact]
    public async Task A_verification_challenge_is_answered_by_the_verification_expression_and_not_correlated()
    {
        using var challenge = new HttpRequestMessage(HttpMethod.Post, "/inbound/verified")
        {
            Content = new StringContent("""{"type":"url_verification","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}""", Encoding.UTF8, "application/json"),
        };
        using var answer = await _host.Http.SendAsync(challenge);

        answer.StatusCode.Should().Be(HttpStatusCode.OK);
        answer.Headers.GetValues("X-Verified").Should().Equal("yes");
        JsonNode.Parse(await answer.Content.ReadAsStringAsync())!["challenge"]!.GetValue<string>()
            .Should().Be("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P");
        _gateway.Gateway.Messages.Should().BeEmpty("a challenge is not an event");

        var (status, body) = await PostAsync("verified", """{"type":"event_callback","event":{"channel":"C42","text":"hi"}}""");
        status.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        _gateway.Gateway.Messages.Should().ContainSingle().Which.CorrelationKey.Should().Be("C42");
    }

    [Fact]
    public async Task A_response_header_that_would_split_the_answer_is_refused_naming_it()
    {
        var (status, body) = await PostAsync("bad-header", """{"id":1}""");

        status.Should().Be((HttpStatusCode)422);
        body["message"]!.GetValue<string>().Should().Contain("X-Split");
    }

    [Fact]
    public async Task A_response_header_that_cannot_be_sent_fails_the_request_before_anything_is_published_or_started()
    {
        // Answered 422 after the publish, the caller would retry a request whose message was already published.
        var (published, publishedBody) = await PostAsync("shaped-by-request", """{"k":"unsent","s":201,"h":"é"}""");
        var (started, startedBody) = await PostAsync("bad-header", """{"id":2}""");

        published.Should().Be((HttpStatusCode)422, publishedBody.ToJsonString());
        publishedBody["message"]!.GetValue<string>().Should().Contain("X-Flow");
        started.Should().Be((HttpStatusCode)422, startedBody.ToJsonString());
        _gateway.Gateway.Messages.Should().BeEmpty("an answer that cannot be sent is known before correlating");
        _gateway.Gateway.Instances.Should().BeEmpty();
        LastRecorded("bad-header")!["status"]!.GetValue<int>().Should().Be(422);
    }

    // Content-Length or Transfer-Encoding from an expression framed the answer against its body: Kestrel threw after the
    // message was published (an error with a stack in the log, nothing recorded), and the caller got an empty, cut or
    // hanging answer, and retried an event already published. The host frames its answers itself.
    [Theory]
    [InlineData("framed-by-request", "Content-Length", "2")]
    [InlineData("framed-by-request", "content-length", "50")]
    [InlineData("framed-by-request", "Transfer-Encoding", "chunked")]
    [InlineData("framed-by-request", "Connection", "upgrade")]
    [InlineData("framed-by-request", "Upgrade", "websocket")]
    [InlineData("verified-framing", "Content-Length", "2")]
    public async Task A_header_that_frames_the_answer_is_a_422_naming_it_before_anything_is_published(string activation, string header, string value)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var request = new JsonObject { ["k"] = "framed", ["h"] = new JsonObject { [header] = value } };
        using var response = await _host.Http.PostAsync("/inbound/" + activation, new StringContent(request.ToJsonString(), Encoding.UTF8, "application/json"), timeout.Token);
        var body = await response.Content.ReadAsStringAsync(timeout.Token);

        response.StatusCode.Should().Be((HttpStatusCode)422, body);
        JsonNode.Parse(body)!["message"]!.GetValue<string>().Should().Contain($"'{header}'").And.Contain("the host sets it itself");
        _gateway.Gateway.Messages.Should().BeEmpty("an answer that cannot be sent is known before correlating");
        LastRecorded(activation)!["status"]!.GetValue<int>().Should().Be(422);
    }

    // The path defaulted to the activation's id, task:<name>:<key> with ':' made '-': a key such as orders/7 gave a path
    // of two segments, listed as served, that answered 404.
    [Fact]
    public async Task A_webhook_an_activate_task_makes_for_a_key_with_a_slash_is_served_at_the_path_it_lists()
    {
        var job = await _gateway.Gateway.FinishedAsync(_gateway.Gateway.CreateJob("_activate_inbound_connector",
            """{"name":"io.camunda:webhook:1","correlation_key":"orders/7","message_name":"task-event"}"""));
        job.State.Should().Be(JobState.Completed, job.ErrorMessage);
        var listed = JsonNode.Parse(await _host.Http.GetStringAsync("/inbound"))!.AsArray()
            .Single(a => (string)a!["id"]! == "task:io.camunda:webhook:1:orders/7")!;
        var path = (string)listed["path"]!;

        path.Should().Be("/inbound/task-io.camunda-webhook-1-orders-7");
        listed["health"]!["status"]!.GetValue<string>().Should().Be("up");
        var (status, body) = await PostAsync(path["/inbound/".Length..], """{"paid":true}""");
        status.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        _gateway.Gateway.Messages.Should().Contain(m => m.Name == "task-event" && m.CorrelationKey == "orders/7");
    }

    private JsonNode? LastRecorded(string activation) =>
        _host.Services.GetRequiredService<Switchboard.Host.Protocols.Inbound.InboundActivity>().Describe(activation)["last"];

    [Fact]
    public async Task A_header_value_that_is_not_ASCII_is_a_422_naming_it_and_recorded_as_the_422_it_was()
    {
        var (status, body) = await PostAsync("shaped-by-request", """{"k":"a","s":201,"h":"é"}""");

        status.Should().Be((HttpStatusCode)422, body.ToJsonString());
        body["message"]!.GetValue<string>().Should().Contain("X-Flow");
        LastRecorded("shaped-by-request")!["status"]!.GetValue<int>().Should().Be(422, "the activity says what the caller got");
    }

    [Theory]
    [InlineData(204)]
    [InlineData(304)]
    public async Task A_status_that_carries_no_body_is_sent_without_the_expressions_body(int code)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/inbound/shaped-by-request")
        {
            Content = new StringContent($$"""{"k":"b","s":{{code}},"h":"ok"}""", Encoding.UTF8, "application/json"),
        };
        using var response = await _host.Http.SendAsync(request);

        ((int)response.StatusCode).Should().Be(code);
        (await response.Content.ReadAsStringAsync()).Should().BeEmpty();
        response.Headers.GetValues("X-Flow").Should().Equal("ok");
        LastRecorded("shaped-by-request")!["status"]!.GetValue<int>().Should().Be(code);
    }

    [Theory]
    [InlineData("{\"k\":\"a\",\"k\":\"b\",\"s\":200,\"h\":\"x\"}")]
    [InlineData("{\"k\":\"\\ud800\",\"s\":200,\"h\":\"x\"}")]
    public async Task A_body_that_is_no_strict_JSON_is_read_as_text_rather_than_failing_or_reaching_Zeebe(string json)
    {
        var (status, body) = await PostAsync("shaped-by-request", json);

        status.Should().Be((HttpStatusCode)422, body.ToJsonString());
        body["message"]!.GetValue<string>().Should().Contain("correlationKeyExpression");
        _gateway.Gateway.Messages.Should().NotContain(m => m.Name == "shaped-event");
    }

    [Fact]
    public async Task A_JSON_body_may_start_with_a_byte_order_mark()
    {
        using var content = new ByteArrayContent([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("""{"k":"bom","s":200,"h":"x"}""")]);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var response = await _host.Http.PostAsync("/inbound/shaped-by-request", content);

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        _gateway.Gateway.Messages.Should().Contain(m => m.Name == "shaped-event" && m.CorrelationKey == "bom");
    }
}

/// <summary>The same, with the Webhook plugin in a worker process (<c>Isolation=process</c>): its connector checks each request there, with the same answers.</summary>
public sealed class IsolatedWebhookInboundTests : WebhookInboundTests
{
    protected override string[] Isolation => ["Plugins:Webhook:Isolation=process"];
}
