using Switchboard.Host.Protocols.Zeebe.Secrets;

namespace Switchboard.Tests.Zeebe;

/// <summary>Which text in a job's variables is a secret's placeholder: <c>{{secrets.NAME}}</c> anywhere, and a JSON
/// string that is exactly <c>secrets.NAME</c>; nothing else.</summary>
public sealed class SecretPlaceholderTests
{
    private sealed class Secrets : ISecretProvider
    {
        public string? Find(string name) => name == "DB" ? "hunter2" : null;
    }

    [Theory]
    [InlineData("""{"password":"secrets.DB"}""", """{"password":"hunter2"}""")]
    [InlineData("""{"url":"postgres://app:{{ secrets.DB }}@db"}""", """{"url":"postgres://app:hunter2@db"}""")]
    [InlineData("""{"list":["secrets.DB","x"]}""", """{"list":["hunter2","x"]}""")]
    [InlineData("""{"text":"quoted: \"secrets.DB"}""", """{"text":"quoted: \"secrets.DB"}""")]
    [InlineData("""{"text":"a \"secrets.DB\" in quotes"}""", """{"text":"a \"secrets.DB\" in quotes"}""")]
    [InlineData("""{"text":"a \\\"secrets.DB"}""", """{"text":"a \\\"secrets.DB"}""")]
    [InlineData("""{"text":"\\"}""", """{"text":"\\"}""")]
    public void Only_a_whole_string_or_a_braced_placeholder_is_replaced(string variables, string expected)
    {
        var used = new HashSet<string>();

        var replaced = SecretPlaceholders.Replace(variables, new Secrets(), used);

        replaced.Should().Be(expected);
        used.Should().HaveCount(expected.Contains("hunter2") ? 1 : 0);
    }
}
