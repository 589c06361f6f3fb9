namespace Switchboard.Core.Binding;

/// <summary>An output that JSON cannot carry faithfully, such as a non-finite number; the connector's failure, never a silent null.</summary>
internal sealed class OutputException(string code, string path, string problem) : Exception($"output {(path.Length == 0 ? "value" : $"field '{path}'")} {problem}")
{
    /// <summary>The stable error code, e.g. <c>NonFiniteNumber</c>.</summary>
    public string Code { get; } = code;

    /// <summary>Where in the output the problem is: <c>result</c>, <c>items[2].total</c>, or empty for the whole value.</summary>
    public string Path { get; } = path;

    /// <summary>What is wrong there, without the path.</summary>
    public string Problem { get; } = problem;

    /// <summary>The same problem, one level further out: <paramref name="step"/> is a property name or an <c>[index]</c>.</summary>
    public OutputException Under(string step) =>
        new(Code, Path.Length == 0 ? step : step + (Path.StartsWith('[') ? "" : ".") + Path, Problem);
}
