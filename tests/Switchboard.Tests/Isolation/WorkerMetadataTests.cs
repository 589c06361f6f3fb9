using System.Text.Json.Nodes;
using Switchboard.Host.Isolation;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Isolation;

/// <summary>What a worker says its connectors are is read strictly: its connection is open to its plugin's code, which
/// can answer in its stead, and a record with a hole in it failed later, in the catalog's own index.</summary>
public sealed class WorkerMetadataTests
{
    private static async Task<JsonArray> CalculatorDescribedAsync()
    {
        await using var harness = await CatalogHarness.StartAsync(sandbox => sandbox.Add(Repository.ShippedPlugin("Calculator")), watch: false);
        return WorkerMetadata.Write(harness.Catalog.Connectors);
    }

    [Fact]
    public async Task What_a_worker_writes_reads_back_the_same()
    {
        var written = await CalculatorDescribedAsync();

        var read = WorkerMetadata.Read(written);

        WorkerMetadata.Write(read).ToJsonString().Should().Be(written.ToJsonString());
    }

    [Theory]
    [InlineData("a null connector")]
    [InlineData("an empty object")]
    [InlineData("no type")]
    [InlineData("a null name")]
    [InlineData("no operations")]
    [InlineData("a null operation")]
    [InlineData("a null parameter")]
    [InlineData("a zero timeout")]
    public async Task A_description_with_a_hole_is_refused_naming_it(string hole)
    {
        var described = await CalculatorDescribedAsync();
        var connector = described[0]!.AsObject();
        var operation = connector["Operations"]![0]!.AsObject();
        switch (hole)
        {
            case "a null connector": described[0] = null; break;
            case "an empty object": described[0] = new JsonObject(); break;
            case "no type": connector.Remove("Type"); break;
            case "a null name": connector["Name"] = null; break;
            case "no operations": connector["Operations"] = new JsonArray(); break;
            case "a null operation": connector["Operations"]!.AsArray().Add(null); break;
            case "a null parameter": operation["Input"]!.AsArray().Add(null); break;
            case "a zero timeout": operation["Timeout"] = "00:00:00"; break;
        }

        var read = () => WorkerMetadata.Read(described);

        read.Should().Throw<InvalidDataException>();
    }

    private static async Task<JsonArray> InboundDescribedAsync()
    {
        await using var harness = await CatalogHarness.StartAsync(sandbox => sandbox.Add(Repository.TestPlugin("HostileInbound")), watch: false);
        return WorkerMetadata.Write(harness.Catalog.InboundConnectors);
    }

    [Fact]
    public async Task What_a_worker_writes_of_its_inbound_connectors_reads_back_the_same()
    {
        var written = await InboundDescribedAsync();

        var read = WorkerMetadata.ReadInbound(written);

        read.Select(c => c.Type).Should().Equal("test.switchboard:hostile-poll:1", "test.switchboard:hostile-sub:1", "test.switchboard:hostile-webhook:1");
        WorkerMetadata.Write(read).ToJsonString().Should().Be(written.ToJsonString());
    }

    [Theory]
    [InlineData("a null connector")]
    [InlineData("no type")]
    [InlineData("an empty type")]
    [InlineData("a kind that is not one")]
    [InlineData("a null property")]
    [InlineData("no properties")]
    public async Task An_inbound_description_with_a_hole_is_refused_naming_it(string hole)
    {
        var described = await InboundDescribedAsync();
        var connector = described[0]!.AsObject();
        switch (hole)
        {
            case "a null connector": described[0] = null; break;
            case "no type": connector.Remove("Type"); break;
            case "an empty type": connector["Type"] = ""; break;
            case "a kind that is not one": connector["Kind"] = 7; break;
            case "a null property": connector["Properties"]!.AsArray().Add(null); break;
            case "no properties": connector.Remove("Properties"); break;
        }

        var read = () => WorkerMetadata.ReadInbound(described);

        read.Should().Throw<InvalidDataException>();
    }
}
