using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using Switchboard.Host.Protocols.Zeebe;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Zeebe;

/// <summary>The token source against a real token endpoint on loopback that answers what a broken or hostile one might.</summary>
public sealed class OAuthTokenSourceTests
{
    private static OAuthTokenSource Source(LoopbackServer endpoint, string path, TimeProvider? clock = null) =>
        new(new OAuthSettings(new Uri(endpoint.Address, path), "switchboard", "client-secret-T9", null, null), new HttpClient(), clock ?? TimeProvider.System);

    // A token endpoint answering tok-1, tok-2, ... in turn, each with the lifetime given.
    private static Task<LoopbackServer> NumberedTokensAsync(string expiresIn)
    {
        var issued = 0;
        return LoopbackServer.StartAsync(app => app.MapPost("/token", () => Results.Text(
            $$"""{"access_token":"tok-{{Interlocked.Increment(ref issued)}}","expires_in":{{expiresIn}}}""", "application/json")));
    }

    [Fact]
    public async Task An_answer_over_1_MiB_is_refused_before_it_is_read_whole()
    {
        await using var endpoint = await LoopbackServer.StartAsync(app => app.MapPost("/token", async (HttpResponse response) =>
        {
            // Streamed without a length, as an endpoint gone wrong would: the limit must hold while reading.
            response.ContentType = "application/json";
            await response.WriteAsync("""{"access_token":"tok","expires_in":3600,"padding":" """);
            var chunk = new string('x', 64 * 1024);
            for (var i = 0; i < 32; i++)
                await response.WriteAsync(chunk);
            await response.WriteAsync("\"}");
        }));

        var fetch = () => Source(endpoint, "token").GetAsync(CancellationToken.None);

        (await fetch.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should()
            .Contain($"http://127.0.0.1:{endpoint.Address.Port}").And.Contain("more than 1024 KiB").And.NotContain("client-secret-T9");
    }

    [Theory]
    [InlineData("1e300")]
    [InlineData("500000000000")]
    public async Task A_lifetime_past_any_date_is_held_to_a_day(string expiresIn)
    {
        await using var endpoint = await NumberedTokensAsync(expiresIn);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var source = Source(endpoint, "token", clock);

        (await source.GetAsync(CancellationToken.None)).Should().Be("tok-1");
        clock.Advance(TimeSpan.FromHours(23));
        (await source.GetAsync(CancellationToken.None)).Should().Be("tok-1", "the token is cached, not fetched for every call");
        clock.Advance(TimeSpan.FromHours(1));
        (await source.GetAsync(CancellationToken.None)).Should().Be("tok-2", "a day later it is fetched again");
        source.Requests.Should().Be(2);
    }

    [Theory]
    [InlineData("1e-9")]
    [InlineData("0.5")]
    public async Task A_lifetime_shorter_than_a_second_is_still_reused_for_a_second(string expiresIn)
    {
        await using var endpoint = await NumberedTokensAsync(expiresIn);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var source = Source(endpoint, "token", clock);

        for (var call = 0; call < 10; call++)
            (await source.GetAsync(CancellationToken.None)).Should().Be("tok-1", "calls within a second share one token, not a fetch each");
        clock.Advance(TimeSpan.FromSeconds(1));
        (await source.GetAsync(CancellationToken.None)).Should().Be("tok-2");
        source.Invalidate();
        (await source.GetAsync(CancellationToken.None)).Should().Be("tok-3", "a token the gateway refused is fetched afresh at once");
        source.Requests.Should().Be(3);
    }

    [Theory]
    [InlineData("tok\\r\\nX-Injected: 1")]
    [InlineData("tök")]
    [InlineData("tok en")]
    public async Task A_token_a_header_cannot_carry_is_refused_naming_why_and_not_kept(string token)
    {
        // With a line break gRPC dropped the authorization header without a word; non-ASCII failed every call for the
        // token's whole lifetime, as it was cached.
        var issued = 0;
        await using var endpoint = await LoopbackServer.StartAsync(app => app.MapPost("/token", () => Results.Text(
            Interlocked.Increment(ref issued) == 1 ? $$"""{"access_token":"{{token}}","expires_in":3600}""" : """{"access_token":"good","expires_in":3600}""",
            "application/json")));
        var source = Source(endpoint, "token");

        var fetch = () => source.GetAsync(CancellationToken.None);

        (await fetch.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should().Contain("characters an HTTP header cannot carry");
        (await source.GetAsync(CancellationToken.None)).Should().Be("good", "the refused token was not kept");
    }
}
