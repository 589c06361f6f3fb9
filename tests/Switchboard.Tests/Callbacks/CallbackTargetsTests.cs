using Switchboard.Host.Callbacks;

namespace Switchboard.Tests.Callbacks;

/// <summary>The callback-target policy CSP and Spiff share: origins, host names and *.domain entries.</summary>
public sealed class CallbackTargetsTests
{
    private static readonly CallbackTargets Targets = new(["https://backend.example:7000", "callbacks.example.com", "*.camunda.io"], "Test:Targets");

    [Theory]
    [InlineData("https://backend.example:7000/v1.0/tasks/1/t/callback")]
    [InlineData("http://callbacks.example.com:9999/x")]
    [InlineData("https://zeebe.bru-2.camunda.io/inbound")]
    public void Allowed_targets_pass(string url)
    {
        Targets.Check(url, out var parsed).Should().BeNull();
        parsed.Should().Be(new Uri(url));
    }

    [Theory]
    [InlineData("https://backend.example:7001/x", "points at https://backend.example:7001, which Test:Targets does not allow")]
    [InlineData("http://backend.example:7000/x", "which Test:Targets does not allow")]
    [InlineData("https://camunda.io/x", "which Test:Targets does not allow")]
    [InlineData("https://evilcallbacks.example.com/x", "which Test:Targets does not allow")]
    [InlineData("ftp://callbacks.example.com/x", "must be an absolute http or https URL")]
    [InlineData("/relative", "must be an absolute http or https URL")]
    public void Other_targets_are_refused_naming_the_setting(string url, string problem)
    {
        Targets.Check(url, out var parsed).Should().Contain(problem);
        parsed.Should().BeNull();
    }

    // An operator writes an IPv6 host as URLs write it, in brackets, and a fully qualified name may end in a dot on
    // either side: both passed the start-up check, and every callback to the host they name was refused.
    [Theory]
    [InlineData("[::1]", "http://[::1]:7000/cb")]
    [InlineData("::1", "http://[::1]:7000/cb")]
    [InlineData("callbacks.example.com", "https://callbacks.example.com./cb")]
    [InlineData("callbacks.example.com.", "https://callbacks.example.com/cb")]
    [InlineData("*.example.com", "https://api.example.com./cb")]
    [InlineData("*.example.com.", "https://api.example.com/cb")]
    [InlineData("https://backend.example.:7000", "https://backend.example:7000/cb")]
    [InlineData("https://backend.example:7000", "https://backend.example.:7000/cb")]
    public void A_host_written_in_brackets_or_with_a_final_dot_allows_that_host(string entry, string url)
    {
        CallbackTargets.EntryProblem(entry).Should().BeNull();
        new CallbackTargets([entry], "Test:Targets").Check(url, out var parsed).Should().BeNull($"'{entry}' names the host of {url}");
        parsed.Should().Be(new Uri(url));
    }

    [Theory]
    [InlineData("[::1]", "http://[::2]:7000/cb")]
    [InlineData("*.example.com.", "https://example.com./cb")]
    [InlineData("callbacks.example.com.", "https://callbacks.example.com.evil.example/cb")]
    public void Brackets_and_final_dots_allow_no_other_host(string entry, string url) =>
        new CallbackTargets([entry], "Test:Targets").Check(url, out _).Should().Contain("does not allow");

    [Fact]
    public void Without_entries_any_http_or_https_URL_passes() =>
        new CallbackTargets([], "Test:Targets").Check("https://anywhere.example/x", out _).Should().BeNull();
}
