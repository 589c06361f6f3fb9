using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Switchboard.Host.Catalog;
using Switchboard.Tests.Infrastructure;
using Switchboard.ZeebeTestGateway;

namespace Switchboard.Tests.Inbound;

/// <summary>The Webhook plugin's JWT authentication, as Camunda's template configures it: bearer tokens checked against
/// a real JWKS endpoint on loopback, their lifetime, and the permissions FEEL reads from their payload.</summary>
public sealed class WebhookJwtTests : IAsyncLifetime
{
    private readonly PluginSandbox _sandbox = new();
    private readonly RSA _signing = RSA.Create(2048);
    private readonly RSA _stranger = RSA.Create(2048);
    private readonly SharedLog _log = new();
    private int _keyFetches;
    private TestGatewayServer _gateway = null!;
    private LoopbackServer _jwks = null!;
    private RunningHost _host = null!;

    public async Task InitializeAsync()
    {
        _gateway = await TestGatewayServer.StartAsync();
        _gateway.Gateway.Deploy("orders");
        _jwks = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/.well-known/jwks.json", () =>
            {
                Interlocked.Increment(ref _keyFetches);
                var key = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(_signing.ExportParameters(false)) { KeyId = "k1" });
                return Results.Json(new { keys = new[] { new { kty = key.Kty, kid = key.Kid, use = "sig", alg = "RS256", n = key.N, e = key.E } } });
            });
            // A key set URL that answers with megabytes (a wrong URL, a hostile server).
            app.MapGet("/huge.json", () => Results.Text("{\"keys\":[],\"pad\":\"" + new string('x', 4 * 1024 * 1024) + "\"}", "application/json"));
        });
        _sandbox.Add(Repository.ShippedPlugin("Webhook"));
        _host = await RunningHost.StartAsync(_sandbox.Directory, _log,
            "Switchboard:Catalog:Watch=false",
            "Switchboard:Zeebe:Address=" + _gateway.Address,
            "Switchboard:Inbound:Activations:jwt:inbound.type=io.camunda:webhook:1",
            "Switchboard:Inbound:Activations:jwt:bpmnProcessId=orders",
            "Switchboard:Inbound:Activations:jwt:inbound.auth.type=JWT",
            "Switchboard:Inbound:Activations:jwt:inbound.auth.jwt.jwkUrl=" + _jwks.Address + ".well-known/jwks.json",
            "Switchboard:Inbound:Activations:jwt:inbound.auth.jwt.permissionsExpression==if admin = true then [\"admin\"] else roles",
            "Switchboard:Inbound:Activations:jwt:inbound.auth.jwt.requiredPermissions==[\"orders:write\"]",
            // Required permissions modeled as something other than a list of texts.
            "Switchboard:Inbound:Activations:jwtobject:inbound.type=io.camunda:webhook:1",
            "Switchboard:Inbound:Activations:jwtobject:bpmnProcessId=orders",
            "Switchboard:Inbound:Activations:jwtobject:inbound.auth.type=JWT",
            "Switchboard:Inbound:Activations:jwtobject:inbound.auth.jwt.jwkUrl=" + _jwks.Address + ".well-known/jwks.json",
            "Switchboard:Inbound:Activations:jwtobject:inbound.auth.jwt.permissionsExpression==roles",
            "Switchboard:Inbound:Activations:jwtobject:inbound.auth.jwt.requiredPermissions=={role: \"orders:write\"}",
            "Switchboard:Inbound:Activations:jwtmixed:inbound.type=io.camunda:webhook:1",
            "Switchboard:Inbound:Activations:jwtmixed:bpmnProcessId=orders",
            "Switchboard:Inbound:Activations:jwtmixed:inbound.auth.type=JWT",
            "Switchboard:Inbound:Activations:jwtmixed:inbound.auth.jwt.jwkUrl=" + _jwks.Address + ".well-known/jwks.json",
            "Switchboard:Inbound:Activations:jwtmixed:inbound.auth.jwt.permissionsExpression==roles",
            "Switchboard:Inbound:Activations:jwtmixed:inbound.auth.jwt.requiredPermissions==[\"orders:read\", [\"orders:write\"]]",
            // Keys behind credentials, at an address nothing listens on.
            "Switchboard:Inbound:Activations:jwtdown:inbound.type=io.camunda:webhook:1",
            "Switchboard:Inbound:Activations:jwtdown:bpmnProcessId=orders",
            "Switchboard:Inbound:Activations:jwtdown:inbound.auth.type=JWT",
            "Switchboard:Inbound:Activations:jwtdown:inbound.auth.jwt.jwkUrl=http://keys:pw-5ecret@127.0.0.1:1/jwks?token=q-5ecret",
            "Switchboard:Inbound:Activations:jwthuge:inbound.type=io.camunda:webhook:1",
            "Switchboard:Inbound:Activations:jwthuge:bpmnProcessId=orders",
            "Switchboard:Inbound:Activations:jwthuge:inbound.auth.type=JWT",
            "Switchboard:Inbound:Activations:jwthuge:inbound.auth.jwt.jwkUrl=" + _jwks.Address + "huge.json");
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _jwks.DisposeAsync();
        await _gateway.DisposeAsync();
        _sandbox.Dispose();
        _signing.Dispose();
        _stranger.Dispose();
    }

    private static string Token(RSA key, object claims, DateTime? expires = null) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Claims = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(claims))!.AsObject().ToDictionary(c => c.Key, c => (object)System.Text.Json.JsonSerializer.Deserialize<System.Text.Json.JsonElement>(c.Value!.ToJsonString())),
        Expires = expires ?? DateTime.UtcNow.AddMinutes(5),
        NotBefore = (expires ?? DateTime.UtcNow.AddMinutes(5)).AddMinutes(-10),
        SigningCredentials = new SigningCredentials(new RsaSecurityKey(key) { KeyId = "k1" }, SecurityAlgorithms.RsaSha256),
    });

    // A token as its issuer could sign it, byte for byte: payloads no token library would write (a claim twice).
    private string RawToken(string payload, string keyId = "k1", RSA? key = null)
    {
        var signed = Base64UrlEncoder.Encode($$"""{"alg":"RS256","typ":"JWT","kid":"{{keyId}}"}""") + "." + Base64UrlEncoder.Encode(payload);
        return signed + "." + Base64UrlEncoder.Encode((key ?? _signing).SignData(Encoding.ASCII.GetBytes(signed), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    private async Task<(HttpStatusCode Status, string Body)> PostAsync(string? token, string activation = "jwt")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/inbound/" + activation) { Content = new StringContent("""{"id":1}""", Encoding.UTF8, "application/json") };
        if (token is not null)
            request.Headers.Authorization = new("Bearer", token);
        using var response = await _host.Http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_token_signed_by_the_JWKS_with_the_required_permission_is_correlated()
    {
        var (status, body) = await PostAsync(Token(_signing, new { sub = "shop", roles = new[] { "orders:read", "orders:write" } }));

        status.Should().Be(HttpStatusCode.OK, body);
        _gateway.Gateway.Instances.Should().ContainSingle();
    }

    [Fact]
    public async Task Missing_forged_and_expired_tokens_are_refused_with_401_and_a_token_without_the_permission_with_403()
    {
        (await PostAsync(null)).Should().Be((HttpStatusCode.Unauthorized, """{"message":"the request carries no bearer token"}"""));
        var forged = await PostAsync(Token(_stranger, new { roles = new[] { "orders:write" } }));
        forged.Status.Should().Be(HttpStatusCode.Unauthorized);
        forged.Body.Should().Contain("does not match the keys");
        var expired = await PostAsync(Token(_signing, new { roles = new[] { "orders:write" } }, DateTime.UtcNow.AddMinutes(-5)));
        expired.Status.Should().Be(HttpStatusCode.Unauthorized);
        expired.Body.Should().Contain("has expired");
        (await PostAsync("not.a.jwt")).Status.Should().Be(HttpStatusCode.Unauthorized);
        var reader = await PostAsync(Token(_signing, new { roles = new[] { "orders:read" } }));
        reader.Status.Should().Be(HttpStatusCode.Forbidden);
        reader.Body.Should().Contain("lacks the permissions orders:write");

        _gateway.Gateway.Instances.Should().BeEmpty();
        _keyFetches.Should().BeLessThanOrEqualTo(3, "the key set is kept between requests (fetched again only for an unknown key)");
    }

    [Fact]
    public async Task Tokens_naming_unknown_keys_do_not_make_the_host_fetch_the_key_set_for_each_of_them()
    {
        var expires = DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds();
        (await PostAsync(Token(_signing, new { roles = new[] { "orders:write" } }))).Status.Should().Be(HttpStatusCode.OK);

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => PostAsync(RawToken($$"""{"exp":{{expires}},"roles":["orders:write"]}""", "rotated-" + i, _stranger))));

        answers.Should().OnlyContain(a => a.Status == HttpStatusCode.Unauthorized && a.Body.Contains("a key the JWKS does not hold"));
        _keyFetches.Should().BeLessThanOrEqualTo(2, "an unknown key fetches the set again once, not once per request");
    }

    [Fact]
    public async Task A_signed_token_that_repeats_a_claim_is_refused_as_malformed_and_unreachable_keys_are_named_without_their_credentials()
    {
        var expires = DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds();
        var repeated = await PostAsync(RawToken($$"""{"exp":{{expires}},"roles":["x"],"roles":["orders:write"]}"""));
        var down = await PostAsync(Token(_signing, new { roles = new[] { "orders:write" } }), "jwtdown");

        repeated.Status.Should().Be(HttpStatusCode.Unauthorized, repeated.Body);
        repeated.Body.Should().Contain("repeats the claim");
        down.Status.Should().Be(HttpStatusCode.Unauthorized, down.Body);
        down.Body.Should().Contain("http://127.0.0.1:1/jwks").And.NotContain("5ecret");
        _log.ToString().Should().NotContain("5ecret");
        _gateway.Gateway.Instances.Should().BeEmpty();
    }

    [Fact]
    public async Task A_key_set_answer_over_1_MiB_is_refused_unread_and_named()
    {
        var answer = await PostAsync(Token(_signing, new { roles = new[] { "orders:write" } }), "jwthuge");

        answer.Status.Should().Be(HttpStatusCode.Unauthorized, answer.Body);
        answer.Body.Should().Contain("huge.json").And.Contain("larger than 1 MiB");
        _gateway.Gateway.Instances.Should().BeEmpty();
    }

    // Read leniently, required permissions that were an object (or a list holding one) required nothing: every token
    // the JWKS signed was let through. Camunda's connector reads them as a list of texts and fails the element otherwise.
    [Theory]
    [InlineData("jwtobject", "not an object")]
    [InlineData("jwtmixed", "not a list holding a list")]
    public async Task Required_permissions_that_are_not_a_list_of_texts_answer_500_naming_them_and_let_no_token_through(string activation, string named)
    {
        var (status, body) = await PostAsync(Token(_signing, new { roles = Array.Empty<string>() }), activation);

        status.Should().Be(HttpStatusCode.InternalServerError, body);
        body.Should().Contain("inbound.auth.jwt.requiredPermissions must give a list of texts, " + named);
        _gateway.Gateway.Instances.Should().BeEmpty("nothing is correlated");
    }

    [Fact]
    public async Task The_permissions_expression_sees_the_payload()
    {
        // admin = true gives ["admin"] only, which lacks orders:write.
        var (status, body) = await PostAsync(Token(_signing, new { admin = true, roles = new[] { "orders:write" } }));

        status.Should().Be(HttpStatusCode.Forbidden, body);
    }

    [Fact]
    public async Task After_JWT_requests_a_reloaded_Webhook_generation_still_unloads()
    {
        (await PostAsync(Token(_signing, new { roles = new[] { "orders:write" } }))).Status.Should().Be(HttpStatusCode.OK);

        await _host.Catalog.SyncAsync("Webhook", force: true);
        await _host.Catalog.WaitForUnloadsAsync();

        _host.Catalog.Plugins.Single(p => p.Name == "Webhook").PreviousGenerations.Should().ContainSingle()
            .Which.State.Should().Be(PluginState.Unloaded, "IdentityModel must not pin the plugin's load context");
    }
}
