using System.ComponentModel.DataAnnotations;
using Switchboard.Abstractions;

namespace Switchboard.TestPlugins.FormNames;

/// <summary>A connector whose parameter ids are legal on every protocol but awkward for a page that builds its request
/// as a JavaScript object or reads a field's name out of an error's path: <c>__proto__</c>, and ids holding <c>.</c>
/// and <c>[</c>.</summary>
[Connector("test.switchboard:form-names:1", Name = "Form names")]
public sealed class FormNamesConnector
{
    /// <summary>Answers the value it was given under the id <c>__proto__</c>.</summary>
    [Operation("echo")]
    public EchoOutput Echo(ProtoInput input) => new() { Got = input.Proto };

    /// <summary>Answers the two values it was given.</summary>
    [Operation("dotted")]
    public EchoOutput Dotted(DottedInput input) => new() { Got = $"{input.RetryCount} {input.Tag}" };
}

public sealed class ProtoInput
{
    [Parameter("__proto__", Label = "Proto"), Required]
    public string? Proto { get; set; }
}

public sealed class DottedInput
{
    [Parameter("retry.count", Label = "Retry count"), Required]
    public int? RetryCount { get; set; }

    [Parameter("tags[main]", Label = "Main tag"), Required]
    public string? Tag { get; set; }
}

public sealed class EchoOutput
{
    public string? Got { get; set; }
}
