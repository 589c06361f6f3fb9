using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Switchboard.Core.Binding;

/// <summary>Source-generated metadata for the only type the host itself serializes through System.Text.Json.</summary>
/// <remarks>As deep as JSON writers go (<see cref="JsonDepth.Max"/>), not the serializer's default of 64: input built as nodes (a
/// worker process's, the author kit's) is turned into an element this way before binding, which names a field nested
/// too deep for it instead of failing the whole call.</remarks>
[JsonSourceGenerationOptions(MaxDepth = JsonDepth.Max)]
[JsonSerializable(typeof(JsonNode))]
internal sealed partial class JsonNodeContext : JsonSerializerContext;
