using System.Text;
using System.Text.Json.Nodes;
using Switchboard.Tests.Infrastructure;
using Switchboard.ZeebeTestGateway;

namespace Switchboard.Tests.Http;

/// <summary>The host, with the shipped Http plugin, an upstream on loopback and a Zeebe test gateway, serving Camunda's
/// REST connector job type.</summary>
public sealed class CamundaRestFixture : IAsyncLifetime
{
    private readonly PluginSandbox _sandbox = new();

    public RunningHost Host { get; private set; } = null!;
    public Upstream Upstream { get; private set; } = null!;
    public TestGatewayServer Gateway { get; private set; } = null!;
    public CamundaTemplate Template { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Template = await CamundaTemplate.LoadAsync("http-json-connector.json", "io.camunda.connectors.HttpJson.v2");
        _sandbox.Add(Repository.ShippedPlugin("Http"));
        Upstream = await Upstream.StartAsync();
        Gateway = await TestGatewayServer.StartAsync();
        Host = await RunningHost.StartAsync(_sandbox.Directory, "Switchboard:Zeebe:Address=" + Gateway.Address, "Switchboard:Zeebe:PollInterval=00:00:00.050",
            "Switchboard:Zeebe:RestAddress=" + Gateway.RestAddress);
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Template.DisposeAsync();
        await Gateway.DisposeAsync();
        await Upstream.DisposeAsync();
        _sandbox.Dispose();
    }
}

/// <summary>Jobs carrying exactly the inputs Camunda's own REST template (the newest in its npm package) writes, run
/// by Switchboard: Camunda's result shape, its error code and its error variables, as its REST connector gives them.</summary>
[Collection(ExternalToolsCollection.Name)]
public sealed class CamundaRestConnectorTests(CamundaRestFixture fixture) : IClassFixture<CamundaRestFixture>
{
    private async Task<TestJob> RunAsync(Dictionary<string, string> properties)
    {
        var (type, variables, headers) = await fixture.Template.ApplyAsync(properties);
        type.Should().Be("io.camunda:http-json:1");
        var key = fixture.Gateway.Gateway.CreateJob(type, variables.ToJsonString(), headers);
        return await fixture.Gateway.Gateway.FinishedAsync(key, TimeSpan.FromSeconds(30));
    }

    private string Url(string path) => fixture.Upstream.Url(path);

    [Fact]
    public async Task A_task_modeled_with_any_version_of_Camundas_REST_template_in_the_package_runs_on_Switchboard()
    {
        var templates = await CamundaTemplate.AllAsync("http-json-connector.json", "io.camunda:http-json:1");
        templates.Should().HaveCountGreaterThan(15, "the package keeps every published version of the REST template");

        var failures = new List<string>();
        foreach (var template in templates)
        {
            var name = $"{template["id"]} v{template["version"]?.ToString() ?? "(none)"}";
            // Each version names GET its own way (get, GET): the method a user picks from that version's list.
            var get = (string)template["properties"]!.AsArray().Single(p => (string?)p!["binding"]!["name"] == "method")!["choices"]!.AsArray()
                .Single(c => ((string)c!["value"]!).Equals("GET", StringComparison.OrdinalIgnoreCase))!["value"]!;
            var (type, variables, headers) = await fixture.Template.ApplyAsync(template, null,
                new Dictionary<string, string> { ["url"] = Url("echo"), ["method"] = get, ["resultVariable"] = "r" }, fillRequired: true);
            var key = fixture.Gateway.Gateway.CreateJob(type, variables.ToJsonString(), headers);
            var job = await fixture.Gateway.Gateway.FinishedAsync(key, TimeSpan.FromSeconds(30));
            if (job.State != JobState.Completed)
                failures.Add($"{name}: {job.State} {job.ErrorMessage}");
            else if (job.CompletedVariables?["r"]?["body"]?["method"]?.GetValue<string>() != "GET")
                failures.Add($"{name}: completed with {job.CompletedVariables?.ToJsonString()}");
        }

        failures.Should().BeEmpty();
    }

    [Fact]
    public async Task A_response_stored_as_a_document_goes_to_the_clusters_document_store_and_its_reference_to_the_process()
    {
        var job = await RunAsync(new()
        {
            ["url"] = Url("json"),
            ["documentReturnFormat"] = "DOCUMENT",
            ["resultVariable"] = "r",
        });

        job.State.Should().Be(JobState.Completed, job.ErrorMessage);
        var result = job.CompletedVariables!["r"]!;
        result["status"]!.GetValue<int>().Should().Be(200);
        result["body"].Should().BeNull("the body went to the store");
        var reference = result["document"]!;
        reference["camunda.document.type"]!.GetValue<string>().Should().Be("camunda");
        var stored = fixture.Gateway.Gateway.Documents.Single(d => d.DocumentId == reference["documentId"]!.GetValue<string>());
        Encoding.UTF8.GetString(stored.Content).Should().Be("""{"id":123,"name":"widget","tags":["a","b"]}""");
        stored.ContentType.Should().StartWith("application/json");
        stored.Metadata["processInstanceKey"]!.GetValue<string>().Should().Be(job.ToActivated([]).ProcessInstanceKey.ToString());
        stored.Metadata["processDefinitionId"]!.GetValue<string>().Should().Be("test-process");
        reference["metadata"]!["size"]!.GetValue<int>().Should().Be(stored.Content.Length);
    }

    [Fact]
    public async Task The_storeResponse_box_of_older_templates_stores_the_body_too()
    {
        var key = fixture.Gateway.Gateway.CreateJob("io.camunda:http-json:1",
            new JsonObject { ["method"] = "GET", ["url"] = Url("text"), ["storeResponse"] = true }.ToJsonString(),
            new Dictionary<string, string> { ["resultVariable"] = "r" });
        var job = await fixture.Gateway.Gateway.FinishedAsync(key, TimeSpan.FromSeconds(30));

        job.State.Should().Be(JobState.Completed, job.ErrorMessage);
        var stored = fixture.Gateway.Gateway.Documents.Single(d => d.DocumentId == job.CompletedVariables!["r"]!["document"]!["documentId"]!.GetValue<string>());
        Encoding.UTF8.GetString(stored.Content).Should().Be("plain hello");
        stored.ContentType.Should().StartWith("text/plain");
    }

    [Fact]
    public async Task A_document_store_that_refuses_fails_the_job_with_a_retry_naming_the_store_and_its_answer()
    {
        fixture.Gateway.Gateway.RefusedDocuments = 1;

        var job = await RunAsync(new() { ["url"] = Url("json"), ["documentReturnFormat"] = "DOCUMENT" });

        job.State.Should().Be(JobState.Failed);
        job.ErrorMessage.Should().Contain("could not be stored as a document").And.Contain("503").And.Contain("the document store is not available");
        job.Retries.Should().Be(2, "a store that is down may be back for the next attempt");
    }

    [Fact]
    public async Task A_document_store_whose_refusal_names_a_member_twice_fails_the_job_naming_the_store_not_an_ArgumentException()
    {
        // Reading the problem's title threw ArgumentException, which the refusal's own handling did not expect: the job
        // failed as the connector's error, the exception's text for its message.
        fixture.Gateway.Gateway.RefusedDocuments = 1;
        fixture.Gateway.Gateway.RefusalBody = """{"title":"A","title":"SERVICE_UNAVAILABLE","detail":"down for maintenance"}""";
        try
        {
            var job = await RunAsync(new() { ["url"] = Url("json"), ["documentReturnFormat"] = "DOCUMENT" });

            job.State.Should().Be(JobState.Failed);
            job.ErrorMessage.Should().Contain("could not be stored as a document").And.Contain("503").And.NotContain("ArgumentException")
                .And.Contain("SERVICE_UNAVAILABLE: down for maintenance", "the problem is read as Jackson reads it, the last title counting");
            job.Retries.Should().Be(2, "a store that is down may be back for the next attempt");
        }
        finally
        {
            fixture.Gateway.Gateway.RefusalBody = null;
        }
    }

    [Fact]
    public async Task A_document_store_answering_megabytes_for_a_reference_fails_the_job_instead_of_being_read_whole()
    {
        fixture.Gateway.Gateway.HugeDocumentAnswers = 1;

        var job = await RunAsync(new() { ["url"] = Url("json"), ["documentReturnFormat"] = "DOCUMENT" });

        job.State.Should().Be(JobState.Failed);
        job.ErrorMessage.Should().Contain("could not be stored as a document").And.Contain("answered more than 1024 KiB for a document reference");
    }

    [Fact]
    public async Task Without_a_document_store_a_stored_response_is_refused_before_the_request_goes_out()
    {
        var hits = fixture.Upstream.Requests;
        using var call = await fixture.Host.Http.PostAsync("/csp/connector", new StringContent(new JsonObject
        {
            ["jsonrpc"] = "2.0", ["id"] = 1, ["method"] = "io.camunda:http-json:1",
            ["params"] = new JsonObject { ["input"] = new JsonObject { ["method"] = "POST", ["url"] = Url("echo"), ["storeResponse"] = true } },
        }.ToJsonString(), Encoding.UTF8, "application/json"));

        var answer = JsonNode.Parse(await call.Content.ReadAsStringAsync())!;
        answer["error"]!["message"]!.GetValue<string>().Should().Contain("storeResponse").And.Contain("Switchboard:Zeebe:RestAddress");
        fixture.Upstream.Requests.Should().Be(hits, "a CSP call has no document store, so the POST is not sent at all");
    }

    [Fact]
    public async Task A_GET_with_a_bearer_token_query_and_headers_completes_with_status_headers_and_body()
    {
        var job = await RunAsync(new()
        {
            ["method"] = "GET",
            ["url"] = Url("echo"),
            ["authentication.type"] = "bearer",
            ["authentication.token"] = "tok-1",
            ["headers"] = """={"X-Trace": "t-1"}""",
            ["queryParameters"] = """={q: "a b", page: 2}""",
            ["resultVariable"] = "apiResponse",
            ["resultExpression"] = "={ echoed: response.body.method, code: status }",
        });

        job.State.Should().Be(JobState.Completed, job.ErrorMessage);
        var response = job.CompletedVariables!["apiResponse"]!;
        response["status"]!.GetValue<int>().Should().Be(200);
        response["reason"]!.GetValue<string>().Should().Be("OK");
        response["headers"]!["X-Upstream"]!.GetValue<string>().Should().Be("echo");
        var echoed = response["body"]!;
        // The upstream echoed the token back; a secret input never leaves in the job's variables, so it is masked there.
        echoed["headers"]!["Authorization"]!.GetValue<string>().Should().Be("Bearer ***");
        echoed["headers"]!["X-Trace"]!.GetValue<string>().Should().Be("t-1");
        echoed["query"]!.GetValue<string>().Should().Be("?q=a%20b&page=2");
        job.CompletedVariables!["echoed"]!.GetValue<string>().Should().Be("GET");
        job.CompletedVariables!["code"]!.GetValue<int>().Should().Be(200);
    }

    [Fact]
    public async Task A_POST_with_basic_auth_sends_its_body_as_JSON_without_nulls_when_asked()
    {
        var job = await RunAsync(new()
        {
            ["method"] = "POST",
            ["url"] = Url("echo"),
            ["authentication.type"] = "basic",
            ["authentication.username"] = Upstream.User,
            ["authentication.password"] = Upstream.Password,
            ["body"] = """={name: "widget", note: null, size: {w: 2, h: null}}""",
            ["ignoreNullValues"] = "=true",
            ["resultVariable"] = "r",
        });

        job.State.Should().Be(JobState.Completed, job.ErrorMessage);
        var echoed = job.CompletedVariables!["r"]!["body"]!;
        echoed["method"]!.GetValue<string>().Should().Be("POST");
        echoed["contentType"]!.GetValue<string>().Should().StartWith("application/json");
        JsonNode.Parse(echoed["body"]!.GetValue<string>())!.ToJsonString().Should().Be("""{"name":"widget","size":{"w":2}}""");
        // The upstream echoed the header: the password, a secret input, is masked inside its base64 as it is in plain text.
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Upstream.User}:{Upstream.Password}"));
        var authorization = echoed["headers"]!["Authorization"]!.GetValue<string>();
        authorization.Should().StartWith("Basic " + basic[..6]).And.Contain("***").And.NotContain(basic[8..^4]);
        job.CompletedVariables!.ToJsonString().Should().NotContain(basic[8..^4]);
    }

    [Fact]
    public async Task An_API_key_goes_in_the_query_or_a_header()
    {
        var inQuery = await RunAsync(new()
        {
            ["url"] = Url("echo"), ["authentication.type"] = "apiKey", ["authentication.apiKeyLocation"] = "query",
            ["authentication.name"] = "api_key", ["authentication.value"] = "k-1", ["resultVariable"] = "r",
        });
        var inHeader = await RunAsync(new()
        {
            ["url"] = Url("echo"), ["authentication.type"] = "apiKey",
            ["authentication.name"] = "X-Api-Key", ["authentication.value"] = "k-2", ["resultVariable"] = "r",
        });

        // Echoed back by the upstream, and masked in the variables: the key is a secret input.
        inQuery.CompletedVariables!["r"]!["body"]!["query"]!.GetValue<string>().Should().Be("?api_key=***");
        inHeader.CompletedVariables!["r"]!["body"]!["headers"]!["X-Api-Key"]!.GetValue<string>().Should().Be("***");
    }

    [Fact]
    public async Task OAuth_client_credentials_and_refresh_tokens_fetch_the_bearer_token_first()
    {
        var credentials = await RunAsync(new()
        {
            ["url"] = Url("echo"), ["authentication.type"] = "oauth-client-credentials-flow",
            ["authentication.oauthTokenEndpoint"] = Url("token"), ["authentication.clientId"] = Upstream.OAuthClient,
            ["authentication.clientSecret"] = Upstream.OAuthSecret, ["authentication.clientAuthentication"] = "basicAuthHeader",
            ["authentication.scopes"] = "read", ["resultVariable"] = "r",
        });
        var refreshed = await RunAsync(new()
        {
            ["url"] = Url("echo"), ["authentication.type"] = "oauth-refresh-token",
            ["authentication.oauthRefreshToken.oauthTokenEndpoint"] = Url("token"), ["authentication.oauthRefreshToken.clientId"] = Upstream.OAuthClient,
            ["authentication.oauthRefreshToken.refreshToken"] = "refresh-1", ["resultVariable"] = "r",
        });

        credentials.State.Should().Be(JobState.Completed, credentials.ErrorMessage);
        credentials.CompletedVariables!["r"]!["body"]!["headers"]!["Authorization"]!.GetValue<string>().Should().Be("Bearer tok-read");
        refreshed.State.Should().Be(JobState.Completed, refreshed.ErrorMessage);
        refreshed.CompletedVariables!["r"]!["body"]!["headers"]!["Authorization"]!.GetValue<string>().Should().Be("Bearer tok-refreshed");
    }

    // What the template's credential chooser writes: a reference to the credential's cluster variable, which Zeebe
    // resolves when it makes the job.
    private const string CredentialReference = "=camunda.vars.env.";

    private async Task<TestJob> RunAsync(Dictionary<string, string> properties, JsonObject clusterVariables)
    {
        var (type, variables, headers) = await fixture.Template.ApplyAsync(properties, clusterVariables);
        var key = fixture.Gateway.Gateway.CreateJob(type, variables.ToJsonString(), headers);
        return await fixture.Gateway.Gateway.FinishedAsync(key, TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_credential_chosen_in_the_Modeler_authenticates_with_its_values_and_calls_the_URL_it_carries()
    {
        var job = await RunAsync(new()
        {
            ["method"] = "GET",
            ["authenticationConfiguration"] = CredentialReference + "ORDERS_API",
            ["resultVariable"] = "r",
        }, new JsonObject
        {
            ["ORDERS_API"] = new JsonObject
            {
                ["authentication"] = new JsonObject { ["type"] = "basic", ["username"] = Upstream.User, ["password"] = Upstream.Password },
                ["url"] = Url("echo"),
            },
        });

        job.State.Should().Be(JobState.Completed, job.ErrorMessage);
        var echoed = job.CompletedVariables!["r"]!["body"]!;
        echoed["method"]!.GetValue<string>().Should().Be("GET");
        // The upstream echoed the header: the password, a secret input, is masked inside its base64 as it is in plain text.
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Upstream.User}:{Upstream.Password}"));
        var authorization = echoed["headers"]!["Authorization"]!.GetValue<string>();
        authorization.Should().StartWith("Basic " + basic[..6]).And.Contain("***").And.NotContain(basic[8..^4]);
        job.CompletedVariables!.ToJsonString().Should().NotContain(basic[8..^4]);
    }

    [Fact]
    public async Task An_OAuth_credential_carries_no_URL_so_the_tasks_URL_names_the_endpoint_and_without_one_the_job_fails_naming_url()
    {
        var clusterVariables = new JsonObject
        {
            ["API_OAUTH"] = new JsonObject
            {
                ["authentication"] = new JsonObject
                {
                    ["type"] = "oauth-client-credentials-flow", ["oauthTokenEndpoint"] = Url("token"), ["clientId"] = Upstream.OAuthClient,
                    ["clientSecret"] = Upstream.OAuthSecret, ["clientAuthentication"] = "basicAuthHeader", ["scopes"] = "read",
                },
            },
        };
        var withUrl = await RunAsync(new()
        {
            ["authenticationConfiguration"] = CredentialReference + "API_OAUTH", ["urlOverride"] = Url("echo"), ["resultVariable"] = "r",
        }, clusterVariables);
        var hits = fixture.Upstream.Requests;
        var withoutUrl = await RunAsync(new()
        {
            ["authenticationConfiguration"] = CredentialReference + "API_OAUTH", ["resultVariable"] = "r",
        }, clusterVariables);

        withUrl.State.Should().Be(JobState.Completed, withUrl.ErrorMessage);
        withUrl.CompletedVariables!["r"]!["body"]!["headers"]!["Authorization"]!.GetValue<string>().Should().Be("Bearer tok-read");
        withoutUrl.State.Should().Be(JobState.Incident, "an input error: the same inputs will never name a URL");
        withoutUrl.ErrorMessage.Should().Contain("url: is required").And.Contain("carries no URL");
        fixture.Upstream.Requests.Should().Be(hits, "without a URL nothing is sent, not even the token request");
    }

    [Fact]
    public async Task A_credential_without_an_authentication_type_fails_the_job_naming_the_field()
    {
        var job = await RunAsync(new()
        {
            ["authenticationConfiguration"] = CredentialReference + "BROKEN", ["urlOverride"] = Url("echo"), ["resultVariable"] = "r",
        }, new JsonObject { ["BROKEN"] = new JsonObject { ["url"] = Url("echo") } });

        job.State.Should().Be(JobState.Incident);
        job.ErrorMessage.Should().Contain("authenticationConfiguration.authentication.type");
    }

    [Fact]
    public async Task An_HTTP_404_is_error_code_404_with_the_response_in_the_errors_variables_for_the_error_expression()
    {
        var job = await RunAsync(new()
        {
            ["url"] = Url("missing"),
            ["errorExpression"] = """=if error.code = "404" then bpmnError("NOT_FOUND", error.variables.response.body.error) else null""",
        });

        job.State.Should().Be(JobState.ErrorThrown, job.ErrorMessage);
        job.ErrorCode.Should().Be("NOT_FOUND");
        job.ErrorMessage.Should().Be("no such item");
    }

    [Fact]
    public async Task Without_an_error_expression_an_HTTP_failure_fails_the_job_for_a_retry_after_the_templates_backoff()
    {
        var job = await RunAsync(new() { ["url"] = Url("boom") });

        job.State.Should().Be(JobState.Failed);
        job.Retries.Should().Be(2, "the template's task has 3 retries and this was one");
        job.RetryBackoff.Should().Be(TimeSpan.FromSeconds(30), "the template writes retryBackoff PT30S");
        job.FailVariables!["error"]!["code"]!.GetValue<string>().Should().Be("500");
    }

    [Fact]
    public async Task A_redirect_is_the_result_unless_followRedirects_is_on()
    {
        var kept = await RunAsync(new() { ["url"] = Url("redirect"), ["resultVariable"] = "r" });
        var followed = await RunAsync(new() { ["url"] = Url("redirect"), ["followRedirects"] = "=true", ["resultVariable"] = "r" });

        kept.CompletedVariables!["r"]!["status"]!.GetValue<int>().Should().Be(302);
        kept.CompletedVariables!["r"]!["headers"]!["Location"]!.GetValue<string>().Should().Be("/json");
        followed.CompletedVariables!["r"]!["body"]!["name"]!.GetValue<string>().Should().Be("widget");
    }

    [Fact]
    public async Task A_read_timeout_is_error_code_408_naming_the_setting()
    {
        var job = await RunAsync(new() { ["url"] = Url("slow"), ["connectionTimeoutInSeconds"] = "=1", ["readTimeoutInSeconds"] = "=1" });

        job.State.Should().Be(JobState.Failed);
        job.FailVariables!["error"]!["code"]!.GetValue<string>().Should().Be("408");
        job.ErrorMessage.Should().Contain("readTimeoutInSeconds");
    }

    [Fact]
    public async Task A_text_body_stays_text()
    {
        var text = await RunAsync(new() { ["url"] = Url("json"), ["documentReturnFormat"] = "TEXT", ["resultVariable"] = "r" });

        text.CompletedVariables!["r"]!["body"]!.GetValue<string>().Should().Contain("\"name\":\"widget\"");
    }

    [Fact]
    public async Task A_client_certificate_from_the_templates_clientTls_fields_opens_a_mutual_TLS_server()
    {
        await using var upstream = await MutualTlsUpstream.StartAsync();
        var url = new Uri(upstream.Address, "/who").ToString();

        var job = await RunAsync(new()
        {
            ["url"] = url, ["resultVariable"] = "r",
            ["clientTls.clientCertificate"] = upstream.ClientCertificatePem,
            ["clientTls.clientPrivateKey"] = upstream.ClientKeyPem,
            ["clientTls.trustedCertificate"] = upstream.CaPem,
        });
        var untrusted = await RunAsync(new()
        {
            ["url"] = url,
            ["clientTls.clientCertificate"] = upstream.ClientCertificatePem,
            ["clientTls.clientPrivateKey"] = upstream.ClientKeyPem,
        });

        job.State.Should().Be(JobState.Completed, job.ErrorMessage);
        job.CompletedVariables!["r"]!["body"]!["subject"]!.GetValue<string>().Should().Be("CN=Switchboard test client");
        untrusted.State.Should().Be(JobState.Failed, "the server's certificate comes from a CA only the trusted certificate names");
        untrusted.ErrorMessage.Should().Contain("TLS handshake failed");
    }

    [Fact]
    public async Task Older_templates_lowercase_method_works_too()
    {
        var key = fixture.Gateway.Gateway.CreateJob("io.camunda:http-json:1",
            new JsonObject { ["method"] = "post", ["url"] = Url("echo"), ["body"] = new JsonObject { ["a"] = 1 } }.ToJsonString(),
            new Dictionary<string, string> { ["resultVariable"] = "r" });
        var job = await fixture.Gateway.Gateway.FinishedAsync(key, TimeSpan.FromSeconds(30));

        job.State.Should().Be(JobState.Completed, job.ErrorMessage);
        job.CompletedVariables!["r"]!["body"]!["method"]!.GetValue<string>().Should().Be("POST");
    }
}
