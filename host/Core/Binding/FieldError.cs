namespace Switchboard.Core.Binding;

/// <summary>One input field that failed binding or validation, named by its path (<c>auth.token</c>, <c>to[1]</c>).</summary>
public sealed record FieldError(string Field, string Message)
{
    /// <summary>The field with each map key in it written <c>{key}</c> (<c>counts.{key}</c>): a map's keys are the
    /// caller's input, which what the host keeps about a call (the dashboard's recent calls) must not hold. Null when the
    /// field holds no map key.</summary>
    internal string? Shape { get; init; }

    /// <summary>This error of an entry of a map at <paramref name="mapPath"/> whose key gave <paramref name="entryPath"/>.</summary>
    internal FieldError InMapEntry(string mapPath, string entryPath) =>
        (Shape ?? Field).StartsWith(entryPath, StringComparison.Ordinal)
            ? this with { Shape = mapPath + ".{key}" + (Shape ?? Field)[entryPath.Length..] }
            : this;
}
