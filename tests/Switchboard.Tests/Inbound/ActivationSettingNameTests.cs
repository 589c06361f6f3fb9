using Switchboard.Abstractions;
using Switchboard.Abstractions.Inbound;
using Switchboard.Core.Describing;
using Switchboard.Tests.Pipeline;

namespace Switchboard.Tests.Inbound;

/// <summary>An inbound connector's properties share one set of names with the activation's own settings (on the BPMN
/// element and in configuration): a property named like a setting is refused at load, naming it. It read the host's
/// setting as its own, and its template field overwrote the host's (attack round eleven).</summary>
public sealed class ActivationSettingNameTests
{
    private static void Describe(Type type) => Described.Inbound(type, "Feeds");

    [Fact]
    public void A_property_named_like_an_activation_setting_is_refused_naming_it()
    {
        var describing = () => Describe(typeof(ClashingFeed));

        describing.Should().Throw<PluginLoadException>().Which.Message.Should().Contain("'resultVariable'").And.Contain("inbound.resultVariable");
    }

    [Fact]
    public void The_same_property_under_its_own_id_is_described()
    {
        var describing = () => Describe(typeof(Feed));

        describing.Should().NotThrow();
    }

    public sealed class ClashingProperties
    {
        public string Url { get; set; } = "";

        /// <summary>Where the feed's JSON puts its items: an author's own notion of a result variable.</summary>
        public string? ResultVariable { get; set; }
    }

    public sealed class OwnProperties
    {
        public string Url { get; set; } = "";

        [Parameter("inbound.resultVariable")]
        public string? ResultVariable { get; set; }
    }

    [InboundConnector("test.switchboard:clashing-feed:1")]
    public sealed class ClashingFeed : IPollingConnector<ClashingProperties>
    {
        public Task<PollResult> PollAsync(ClashingProperties properties, string? cursor, IInboundContext context) => Task.FromResult(PollResult.Of([]));
    }

    [InboundConnector("test.switchboard:feed:1")]
    public sealed class Feed : IPollingConnector<OwnProperties>
    {
        public Task<PollResult> PollAsync(OwnProperties properties, string? cursor, IInboundContext context) => Task.FromResult(PollResult.Of([]));
    }
}
