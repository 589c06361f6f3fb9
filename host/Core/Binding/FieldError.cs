namespace Switchboard.Core.Binding;

/// <summary>One input field that failed binding or validation, named by its path (<c>auth.token</c>, <c>to[1]</c>).</summary>
public sealed record FieldError(string Field, string Message);
