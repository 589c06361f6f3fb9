using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Switchboard.Abstractions;

namespace Switchboard.TestPlugins.UnbindableFields;

/// <summary>A field named after a ServiceNow or Mastodon instance: an everyday name, and one of FEEL's reserved words,
/// which Zeebe refuses as an input mapping's target.</summary>
[Connector("test.switchboard:instance:1", Name = "Instance")]
public sealed class InstanceConnector
{
    [Operation]
    public string Run(InstanceInput input) => input.Instance;
}

/// <summary>The field that names the instance.</summary>
public sealed class InstanceInput
{
    [Required]
    public string Instance { get; set; } = "";
}

/// <summary>A field named as the API's header is, with hyphens, which a Zeebe mapping target cannot hold.</summary>
[Connector("test.switchboard:hyphen:1", Name = "Hyphen")]
public sealed class HyphenConnector
{
    [Operation]
    public string Run(HyphenInput input) => input.ApiKey;
}

/// <summary>The API key, under its header's name.</summary>
public sealed class HyphenInput
{
    [Required]
    [JsonPropertyName("x-api-key")]
    public string ApiKey { get; set; } = "";
}

/// <summary>A field whose name holds a '.', which Zeebe reads as a path into an object (<c>{"api":{"key":…}}</c>), so the
/// connector would never see it; in the second of two operations, inside an object.</summary>
[Connector("test.switchboard:dotted:1", Name = "Dotted")]
public sealed class DottedConnector
{
    [Operation("plain")]
    public string Plain(PlainInput input) => input.Name ?? "";

    [Operation("nested")]
    public string Nested(NestedInput input) => input.Auth?.ApiKey ?? "";
}

/// <summary>An ordinary field.</summary>
public sealed class PlainInput
{
    public string? Name { get; set; }
}

/// <summary>An object holding the dotted field.</summary>
public sealed class NestedInput
{
    public AuthSettings? Auth { get; set; }
}

/// <summary>The dotted field.</summary>
public sealed class AuthSettings
{
    [JsonPropertyName("api.key")]
    public string? ApiKey { get; set; }
}

/// <summary>A field named like a reserved word only inside an object (<c>server.instance</c> is a path Zeebe takes) and one
/// named with digits and '_': its template is given.</summary>
[Connector("test.switchboard:bindable:1", Name = "Bindable")]
public sealed class BindableConnector
{
    [Operation]
    public string Run(BindableInput input) => input.Server?.Instance ?? "";
}

/// <summary>Fields Zeebe binds.</summary>
public sealed class BindableInput
{
    public ServerSettings? Server { get; set; }

    [JsonPropertyName("api_key_2")]
    public string? ApiKey { get; set; }
}

/// <summary>A server.</summary>
public sealed class ServerSettings
{
    public string? Instance { get; set; }
}
