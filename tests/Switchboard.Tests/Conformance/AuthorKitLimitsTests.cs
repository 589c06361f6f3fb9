using System.ComponentModel.DataAnnotations;
using Switchboard.Abstractions;
using Switchboard.Core;
using Switchboard.Testing;

namespace Switchboard.Tests.Conformance;

/// <summary>The author kit holds a connector's plugin code to the host's limits: binding within the call's timeout, a
/// <c>Dispose</c> waited for at most the host's stop timeout, secrets masked in whatever plugin code throws.</summary>
public sealed class AuthorKitLimitsTests
{
    [Fact]
    public async Task A_setter_that_blocks_is_answered_at_the_calls_timeout_as_in_the_host()
    {
        using var gate = new ManualResetEventSlim(false);
        BlockingSetterInput.Gate = gate;
        try
        {
            await using var harness = ConnectorHarness.For<BlockingSetterConnector>();

            // Started on the pool: the kit bound on its caller's thread, so awaiting it blocked the test itself.
            var call = Task.Run(() => harness.InvokeAsync("""{"value":"x"}""", timeout: TimeSpan.FromSeconds(1)));
            var answered = await Task.WhenAny(call, Task.Delay(TimeSpan.FromSeconds(30)));

            answered.Should().BeSameAs(call, "the host answers such a call at its timeout (1 s here)");
            (await call).Error!.Kind.Should().Be(ErrorKind.Timeout);
        }
        finally
        {
            gate.Set();
        }
    }

    [Fact]
    public async Task A_dispose_that_blocks_or_throws_is_waited_for_at_most_the_stop_timeout_and_noted()
    {
        using var gate = new ManualResetEventSlim(false);
        BlockingDisposeConnector.Gate = gate;
        try
        {
            var harness = ConnectorHarness.For<BlockingDisposeConnector>();
            harness.StopTimeout = TimeSpan.FromMilliseconds(200);
            (await harness.InvokeAsync("{}")).Succeeded.Should().BeTrue();

            var disposing = Task.Run(() => harness.DisposeAsync().AsTask());
            var done = await Task.WhenAny(disposing, Task.Delay(TimeSpan.FromSeconds(30)));

            done.Should().BeSameAs(disposing, "the host waits its StopTimeout for a Dispose, logs it and unloads on");
            await disposing;
            harness.Logs.Should().Contain(l => l.StartsWith("Warning: disposing test.kit:blocking-dispose:1 did not finish within 0.2 s"));
        }
        finally
        {
            gate.Set();
        }

        var throwing = ConnectorHarness.For<ThrowingDisposeConnector>();
        await throwing.Invoking(h => h.DisposeAsync().AsTask()).Should().NotThrowAsync("the host logs a Dispose that throws");
        throwing.Logs.Should().Contain(l => l.Contains("InvalidOperationException: the pool is gone"));
    }

    [Fact]
    public async Task A_secret_a_validator_quotes_in_its_exception_is_masked()
    {
        await using var harness = ConnectorHarness.For<PickySecretConnector>();

        var result = await harness.InvokeAsync("""{"pin":"hunter2-topsecret"}""");

        result.Error!.Message.Should().Contain("FormatException").And.NotContain("hunter2-topsecret", "a [Secret] is masked in every error");
    }

    [Connector("test.kit:blocking-setter:1", Name = "Blocking setter")]
    public sealed class BlockingSetterConnector
    {
        [Operation]
        public object Run(BlockingSetterInput input) => new { ok = true };
    }

    public sealed class BlockingSetterInput
    {
        public static ManualResetEventSlim? Gate;

        public string? Value
        {
            get => null;
            set => Gate?.Wait(TimeSpan.FromSeconds(60));
        }
    }

    [Connector("test.kit:blocking-dispose:1", Name = "Blocking dispose")]
    public sealed class BlockingDisposeConnector : IDisposable
    {
        public static ManualResetEventSlim? Gate;

        [Operation]
        public object Run(EmptyInput input) => new { ok = true };

        public void Dispose() => Gate?.Wait(TimeSpan.FromSeconds(60));
    }

    [Connector("test.kit:throwing-dispose:1", Name = "Throwing dispose")]
    public sealed class ThrowingDisposeConnector : IDisposable
    {
        [Operation]
        public object Run(EmptyInput input) => new { ok = true };

        public void Dispose() => throw new InvalidOperationException("the pool is gone");
    }

    public sealed class EmptyInput
    {
        public string? Note { get; set; }
    }

    [Connector("test.kit:picky-secret:1", Name = "Picky secret")]
    public sealed class PickySecretConnector
    {
        [Operation]
        public object Run(PickySecretInput input) => new { ok = true };
    }

    public sealed class PickySecretInput : IValidatableObject
    {
        [Secret]
        public string? Pin { get; set; }

        // Parsing to check it: int.Parse names the text it could not read.
        public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
        {
            if (Pin is not null && int.Parse(Pin, System.Globalization.CultureInfo.InvariantCulture) < 0)
                yield return new("must not be negative", [nameof(Pin)]);
        }
    }
}
