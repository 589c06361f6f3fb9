using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Switchboard.Host.Templates;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Templates;

/// <summary>A change to the templates this host generates raises their version: the fixture plugins' templates
/// (outbound and inbound, versions left out) are recorded as a digest per generator revision, so a change to the
/// generator fails here until <see cref="ElementTemplateVersion.GeneratorRevision"/> is raised and the new digest
/// recorded. Without that, the same plugin build got another template under the same id and version from a newer host.</summary>
public sealed class TemplateGeneratorRevisionTests : IAsyncLifetime
{
    // Generator revision → SHA-256 of the fixture templates without their versions. Add a line, never change one.
    private static readonly Dictionary<int, string> Recorded = new()
    {
        [1] = "86614e4fe0de7dce04e7191b9de197310216880c334b8709dffee0da23e78512",
        [2] = "83ecb5f966b10ea5e6fa831b6ff61a4a0acf49bf6c8bda595d22c40040266332",
    };

    private readonly PluginSandbox _sandbox = new();
    private RunningHost _host = null!;

    public async Task InitializeAsync()
    {
        _sandbox.Add(Repository.TestPlugin("TemplateFixture"));
        _sandbox.Add(Repository.TestPlugin("SpiffFixture"));
        _sandbox.Add(Repository.TestPlugin("Ticker"));
        _host = await RunningHost.StartAsync(_sandbox.Directory);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _sandbox.Dispose();
    }

    [Fact]
    public async Task The_generated_templates_are_the_ones_recorded_for_the_generator_revision()
    {
        var templates = JsonNode.Parse(await _host.Http.GetStringAsync("/element-templates"))!.AsArray();
        templates.Should().Contain(t => t!["elementType"] != null, "the Ticker fixture's inbound templates are among them");
        // In a fixed order (the catalog's may follow the file system), each without its version.
        var canonical = new JsonArray(templates.OrderBy(t => (string)t!["id"]!, StringComparer.Ordinal)
            .ThenBy(t => t!["elementType"]?.ToJsonString(), StringComparer.Ordinal)
            .Select(t =>
            {
                var copy = t!.DeepClone().AsObject();
                copy.Remove("version");
                return (JsonNode?)copy;
            }).ToArray());
        var digest = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToJsonString())));

        Recorded.Should().ContainKey(ElementTemplateVersion.GeneratorRevision, "every generator revision records its templates");
        digest.Should().Be(Recorded[ElementTemplateVersion.GeneratorRevision],
            $"the generated templates changed: raise ElementTemplateVersion.GeneratorRevision to {ElementTemplateVersion.GeneratorRevision + 1} " +
            $"and record [{ElementTemplateVersion.GeneratorRevision + 1}] = \"{digest}\", so the new templates get a newer version than the old host gave");
    }
}
