using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using System.Text.Json.Nodes;
using Switchboard.Tests.Csp;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Logging;

/// <summary>Values from outside reach the host's real text log escaped and capped: no forged lines, no 100 KB lines.</summary>
public sealed class LogInjectionTests
{
    [Fact]
    public async Task A_line_break_in_a_CSP_method_cannot_forge_a_log_line_and_a_huge_method_is_capped()
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.ShippedPlugin("Calculator"));
        var log = new SharedLog();
        await using (var host = await RunningHost.StartAsync(sandbox.Directory, log, "Switchboard:Log:Level=Information"))
        {
            var forged = await host.Http.PostAsync(CspCall.Request(1, "x\n12:00:00.000 ERR Forged line", new JsonObject()));
            var huge = await host.Http.PostAsync(CspCall.Request(2, new string('m', 100_000), new JsonObject()));

            forged.Error.Should().NotBeNull(forged.Text);
            huge.Error.Should().NotBeNull(huge.Text);
        }

        var lines = log.ToString().Split('\n');
        lines.Should().NotContain(l => l.StartsWith("12:00:00.000 ERR Forged line"), "the line break is escaped, not written");
        lines.Should().Contain(l => l.Contains("x\\n12:00:00.000 ERR Forged line"));
        lines.Where(l => l.Contains("mmmm")).Should().NotBeEmpty()
            .And.OnlyContain(l => l.Length < 2_000 && l.Contains("more characters]"), "a value from outside is capped with a marker");
    }

    [Theory]
    [InlineData("\u202e", "\\u202e")] // RIGHT-TO-LEFT OVERRIDE: the rest of the line reads backwards
    [InlineData("\u202a", "\\u202a")] // LEFT-TO-RIGHT EMBEDDING
    [InlineData("\u2066", "\\u2066")] // LEFT-TO-RIGHT ISOLATE
    [InlineData("\u2069", "\\u2069")] // POP DIRECTIONAL ISOLATE
    [InlineData("\u200b", "\\u200b")] // ZERO WIDTH SPACE: two values that look alike are not
    [InlineData("\u200f", "\\u200f")] // RIGHT-TO-LEFT MARK
    [InlineData("\ufeff", "\\ufeff")] // ZERO WIDTH NO-BREAK SPACE
    [InlineData("\U000e0041", "\\udb40\\udc41")] // TAG LATIN CAPITAL LETTER A, outside the BMP: invisible text
    public void A_format_character_that_reorders_or_hides_text_is_escaped(string character, string escaped)
    {
        var output = new StringWriter();
        using (var serilog = Switchboard.Host.Logging.LoggingSetup.Configure(new Serilog.LoggerConfiguration(), new ConfigurationBuilder().Build(), output).CreateLogger())
        using (var factory = new Serilog.Extensions.Logging.SerilogLoggerFactory(serilog))
            factory.CreateLogger("Test").LogWarning("Unknown connector {Type} from {Plugin}", $"io.x:{character}1:rotaluclac:1", $"evil{character}");

        var line = output.ToString();
        line.Should().NotContain(character, "a value from outside cannot reorder or hide the text of a log line");
        line.Should().Contain($"io.x:{escaped}1:rotaluclac:1").And.Contain($"evil{escaped}");
    }

    [Theory]
    [InlineData("text")]
    [InlineData("json")]
    public void An_exception_is_logged_on_one_line_with_its_summary_once_and_in_JSON_with_its_stack(string format)
    {
        var output = new StringWriter();
        var settings = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Format"] = format }).Build();
        using (var serilog = Switchboard.Host.Logging.LoggingSetup.Configure(new Serilog.LoggerConfiguration(), settings, output).CreateLogger())
        using (var factory = new Serilog.Extensions.Logging.SerilogLoggerFactory(serilog))
        {
            Exception thrown;
            try
            {
                throw new InvalidOperationException("the disk is full");
            }
            catch (InvalidOperationException e)
            {
                thrown = e;
            }
            factory.CreateLogger("Test").LogError(thrown, "Plugin {Plugin} failed to unload; the error was {Error}", "Leaky", "see below");
        }

        var lines = output.ToString().TrimEnd('\n').Split('\n');
        lines.Should().ContainSingle("one event is one line: " + output);
        var line = lines[0];
        System.Text.RegularExpressions.Regex.Matches(line, "the disk is full").Count.Should().Be(1, line);
        if (format == "json")
            line.Should().Contain("\"@x\"").And.Contain(nameof(An_exception_is_logged_on_one_line_with_its_summary_once_and_in_JSON_with_its_stack), "the stack is kept");
        else
            line.Should().Contain("the error was see below (System.InvalidOperationException: the disk is full\\n   at ")
                .And.Contain(nameof(An_exception_is_logged_on_one_line_with_its_summary_once_and_in_JSON_with_its_stack), "the stack is kept in text too");
    }

    [Theory]
    [InlineData("text")]
    [InlineData("json")]
    public void A_plugins_exception_of_megabytes_is_logged_capped_and_escaped_on_one_line_with_its_stack_and_inner_exceptions(string format)
    {
        var huge = "line one\n12:00:00.000 ERR Forged line\u202e" + new string('x', 5_000_000);
        var exception = Thrown(() => throw new InvalidOperationException("the call failed", Thrown(() => throw new ArgumentException(huge))));

        var lines = Log(format, exception);

        lines.Should().ContainSingle("one event is one line");
        var line = lines[0];
        line.Length.Should().BeLessThan(40_000, "a plugin's message is capped in every format");
        line.Should().Contain("more characters]").And.NotContain("\u202e").And.Contain("\\u202e")
            .And.Contain("the call failed").And.Contain("System.ArgumentException")
            .And.Contain(nameof(A_plugins_exception_of_megabytes_is_logged_capped_and_escaped_on_one_line_with_its_stack_and_inner_exceptions), "the stacks are kept");
    }

    [Theory]
    [InlineData("text")]
    [InlineData("json")]
    public void An_exception_whose_message_throws_is_still_logged(string format)
    {
        var lines = Log(format, Thrown(() => throw new MessageThrows()));

        lines.Should().ContainSingle().Which.Should().Contain("Leaky").And.Contain("could not be read: System.InvalidOperationException")
            .And.Contain(nameof(MessageThrows));
    }

    [Fact]
    public void Text_in_a_logged_dictionary_or_object_is_capped_and_escaped_as_any_logged_text()
    {
        // A plugin logging the headers it was answered with, or an object it was sent: the values were written whole.
        var headers = new Dictionary<string, string> { ["x-padding"] = new string('a', 1_000_000), ["user"] = "admin\u202e", ["k\u202e"] = "v" };
        var output = new StringWriter();
        using (var serilog = Switchboard.Host.Logging.LoggingSetup.Configure(new Serilog.LoggerConfiguration(), new ConfigurationBuilder().Build(), output).CreateLogger())
        using (var factory = new Serilog.Extensions.Logging.SerilogLoggerFactory(serilog))
        {
            var logger = factory.CreateLogger("Plugin.Acme");
            logger.LogWarning("Upstream refused with headers {Headers}", headers);
            logger.LogWarning("Refused {@Order}", new { Note = new string('n', 1_000_000), By = "admin\u202e" });
        }

        var lines = output.ToString().TrimEnd('\n').Split('\n');
        lines.Should().HaveCount(2);
        lines.Should().OnlyContain(l => l.Length < 10_000, "each text value is capped at Switchboard:Log:MaxValueLength");
        output.ToString().Should().NotContain("\u202e").And.Contain("admin\\\\u202e").And.Contain("k\\\\u202e").And.Contain("more characters]");
    }

    [Fact]
    public void A_logged_sequence_is_taken_at_most_100_items_deep_and_an_endless_one_ends()
    {
        // A plugin logging the list it was answered with, or a sequence it produces lazily (one that never ends included):
        // every item was taken and written, so one line could hold megabytes or never be written at all.
        var pulled = 0;
        IEnumerable<int> Produced()
        {
            for (var i = 0; i < 1_000_000; i++)
            {
                pulled++;
                yield return i;
            }
        }
        var output = new StringWriter();
        using (var serilog = Switchboard.Host.Logging.LoggingSetup.Configure(new Serilog.LoggerConfiguration(), new ConfigurationBuilder().Build(), output).CreateLogger())
        using (var factory = new Serilog.Extensions.Logging.SerilogLoggerFactory(serilog))
        {
            var logger = factory.CreateLogger("Plugin.Acme");
            logger.LogWarning("Upstream answered {Items}", Enumerable.Range(0, 1_000_000).ToList());
            logger.LogWarning("Produced {Items}", Produced());
        }

        var lines = output.ToString().TrimEnd('\n').Split('\n');
        lines.Should().HaveCount(2).And.OnlyContain(l => l.Length < 2_000, "a sequence is logged with its first 100 items");
        pulled.Should().BeLessThanOrEqualTo(101, "no more of a lazy sequence is taken than is logged");
    }

    private static string[] Log(string format, Exception exception)
    {
        var output = new StringWriter();
        var settings = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Format"] = format }).Build();
        using (var serilog = Switchboard.Host.Logging.LoggingSetup.Configure(new Serilog.LoggerConfiguration(), settings, output).CreateLogger())
        using (var factory = new Serilog.Extensions.Logging.SerilogLoggerFactory(serilog))
            factory.CreateLogger("Test").LogError(exception, "Plugin {Plugin} failed", "Leaky");
        return output.ToString().TrimEnd('\n').Split('\n');
    }

    private static Exception Thrown(Action thrower)
    {
        try
        {
            thrower();
        }
        catch (Exception e)
        {
            return e;
        }
        throw new InvalidOperationException("nothing was thrown");
    }

    private sealed class MessageThrows : Exception
    {
        public override string Message => throw new InvalidOperationException("a plugin's message that throws");
    }
}
