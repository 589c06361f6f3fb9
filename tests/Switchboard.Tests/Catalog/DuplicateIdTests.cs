using System.Text.Json.Serialization;
using Switchboard.Abstractions;
using Switchboard.Core.Describing;
using Switchboard.Core.Invoking;
using Switchboard.Tests.Pipeline;

namespace Switchboard.Tests.Catalog;

/// <summary>Two properties of one class under one id were both bound from the one field and both written, so an answer
/// held the name twice (<c>{"total":1,"total":2}</c>, which JSON readers take as its last) and the element template had
/// two fields bound to one input. The plugin's load now fails, naming both properties and the id.</summary>
public sealed class DuplicateIdTests
{
    private static ConnectorDefinition Describe(Type type) => Described.Connector(type, "Twice");

    [Theory]
    [InlineData(typeof(TwiceInInput), "properties Name and Title of NamedInput both have the id 'name'")]
    [InlineData(typeof(TwiceInOutput), "properties Total and Sum of Totals both have the id 'total'")]
    [InlineData(typeof(TwiceNested), "properties Host and Address of Server both have the id 'host'")]
    public void Two_properties_under_one_id_refuse_the_connector_naming_both(Type connector, string problem)
    {
        var describing = () => Describe(connector);

        describing.Should().Throw<PluginLoadException>().Which.Message.Should().Contain(problem)
            .And.Contain("give each its own with [Parameter(\"...\")] or [JsonPropertyName(\"...\")]");
    }

    [Fact]
    public void Ids_that_differ_in_case_are_two_ids()
    {
        Describe(typeof(CaseOnly)).Metadata.Operations[0].Input.Select(p => p.Id).Should().Equal("name", "Name2", "NAME");
    }

    [Connector("test:twice-in:1")]
    public sealed class TwiceInInput
    {
        [Operation]
        public string Run(NamedInput input) => input.Name ?? "";
    }

    public sealed class NamedInput
    {
        public string? Name { get; set; }

        [JsonPropertyName("name")]
        public string? Title { get; set; }
    }

    [Connector("test:twice-out:1")]
    public sealed class TwiceInOutput
    {
        [Operation]
        public Totals Run(NamedInput2 input) => new() { Total = 1, Sum = 2 };
    }

    public sealed class NamedInput2
    {
        public string? A { get; set; }
    }

    public sealed class Totals
    {
        public int Total { get; set; }

        [Parameter("total")]
        public int Sum { get; set; }
    }

    [Connector("test:twice-nested:1")]
    public sealed class TwiceNested
    {
        [Operation]
        public string Run(ServerInput input) => "";
    }

    public sealed class ServerInput
    {
        public Server? Server { get; set; }
    }

    public sealed class Server
    {
        public string? Host { get; set; }

        [JsonPropertyName("host")]
        public string? Address { get; set; }
    }

    [Connector("test:case:1")]
    public sealed class CaseOnly
    {
        [Operation]
        public string Run(CaseInput input) => "";
    }

    public sealed class CaseInput
    {
        public string? Name { get; set; }

        [JsonPropertyName("Name2")]
        public string? Second { get; set; }

        [JsonPropertyName("NAME")]
        public string? Third { get; set; }
    }
}
