using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Switchboard.Core.Binding;

/// <summary>Source-generated metadata for the only type the host itself serializes through System.Text.Json.</summary>
[JsonSerializable(typeof(JsonNode))]
internal sealed partial class JsonNodeContext : JsonSerializerContext;
