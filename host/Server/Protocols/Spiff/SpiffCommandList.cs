using System.Text.Json;
using Switchboard.Core.Metadata;

namespace Switchboard.Host.Protocols.Spiff;

/// <summary>Writes <c>GET /v1/commands</c>: each command with its parameters' ids, <c>str|int|bool|any</c> types and whether they are required.</summary>
internal static class SpiffCommandList
{
    public static byte[] Serialize(IReadOnlyList<SpiffCommand> commands)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var command in commands)
            {
                writer.WriteStartObject();
                writer.WriteString("id", command.Id);
                writer.WriteStartArray("parameters");
                foreach (var parameter in command.Operation.Input)
                {
                    writer.WriteStartObject();
                    writer.WriteString("id", parameter.Id);
                    writer.WriteString("type", TypeOf(parameter.Kind));
                    // Required exactly when the binder rejects a missing value, so the backend's editor and our answers agree.
                    writer.WriteBoolean("required", parameter.Required);
                    writer.WriteEndObject();
                }
                writer.WriteEndArray();
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        return buffer.ToArray();
    }

    /// <summary>The backend knows only <c>str</c>, <c>int</c> and <c>bool</c>; enums, dates and UUIDs travel as text.</summary>
    public static string TypeOf(ParameterKind kind) => kind switch
    {
        ParameterKind.String or ParameterKind.Enum or ParameterKind.DateTime or ParameterKind.Guid => "str",
        ParameterKind.Integer => "int",
        ParameterKind.Boolean => "bool",
        _ => "any",
    };
}
