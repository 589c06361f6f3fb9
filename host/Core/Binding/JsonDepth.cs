namespace Switchboard.Core.Binding;

/// <summary>How deeply nested JSON may be wherever a call's data is read or written whole.</summary>
internal static class JsonDepth
{
    /// <summary>1000 levels: the limit of System.Text.Json's writer, and of Zeebe's variables. System.Text.Json reads only
    /// 64 levels by default; data a connector returned or a process holds may be deeper, and is read as deep as it could
    /// have been written. (What comes in over HTTP has its own, lower limit: <c>Switchboard:Csp:MaxDepth</c>.)</summary>
    public const int Max = 1000;
}
