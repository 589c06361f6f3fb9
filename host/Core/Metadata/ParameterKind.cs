namespace Switchboard.Core.Metadata;

/// <summary>The wire-level kind of a connector parameter, independent of its CLR type.</summary>
public enum ParameterKind
{
    String,
    Integer,
    Number,
    Boolean,
    Enum,
    DateTime,
    Guid,
    Object,
    List,
    Map,
    Any,
}
