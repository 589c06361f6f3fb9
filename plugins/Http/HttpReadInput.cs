using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using Switchboard.Abstractions;

namespace Switchboard.Plugins.Http;

/// <summary>A request without a body (GET, HEAD), with the parameter names SpiffArena's HTTP commands use.</summary>
public class HttpReadInput
{
    /// <summary>Absolute http or https URL.</summary>
    [Required, Parameter("url"), Description("Absolute http:// or https:// URL.")]
    public string Url { get; set; } = "";

    /// <summary>Request headers.</summary>
    [Parameter("headers"), Description("Request headers as an object: {\"Accept\": \"application/json\"}.")]
    public Dictionary<string, string>? Headers { get; set; }

    /// <summary>Query-string parameters; a list value repeats the parameter.</summary>
    [Parameter("params", Tooltip = "A FEEL context such as ={page: 2, tag: [\"a\", \"b\"]} sends ?page=2&tag=a&tag=b; values are URL-encoded."),
     Description("Query-string parameters as an object; a list value repeats the parameter.")]
    public JsonNode? Params { get; set; }

    /// <summary>User for HTTP basic authentication.</summary>
    [Parameter("basic_auth_username"), Description("User for HTTP basic authentication.")]
    public string? BasicAuthUsername { get; set; }

    /// <summary>Password for HTTP basic authentication.</summary>
    [Secret, Parameter("basic_auth_password"), Description("Password for HTTP basic authentication.")]
    public string? BasicAuthPassword { get; set; }

    /// <summary>Whether the response headers are returned with the response.</summary>
    [Parameter("include_response_headers"), Description("Return the response headers too.")]
    public bool IncludeResponseHeaders { get; set; }

    /// <summary>Seconds the whole request, retries included, may take.</summary>
    [Parameter("timeout_seconds", Tooltip = "GET and HEAD are retried twice on 408, 429, 5xx and connection failures within this time; the other methods are never retried."),
     Range(1, 3600), Description("Seconds the request may take, retries included.")]
    public int TimeoutSeconds { get; set; } = 30;

    /// <summary>Headers in <see cref="Headers"/> that the connector's authentication added (an API key), dropped when a
    /// redirect names another host; not an input.</summary>
    internal HashSet<string> CredentialHeaders { get; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>A request with a body (POST, PUT, PATCH, DELETE).</summary>
public sealed class HttpWriteInput : HttpReadInput
{
    /// <summary>The body: any JSON value, sent as <see cref="BodyFormat"/> says.</summary>
    [Parameter("data"), Description("The request body: any JSON value.")]
    public JsonNode? Data { get; set; }

    /// <summary>How <see cref="Data"/> is encoded.</summary>
    [Parameter("body_format"), Description("json (default), form (an object as application/x-www-form-urlencoded), raw (text as is) or none.")]
    public BodyFormat BodyFormat { get; set; } = BodyFormat.Json;
}

/// <summary>How a request body is encoded; on the wire json, form, raw and none.</summary>
public enum BodyFormat
{
    Json,
    Form,
    Raw,
    None,
}
