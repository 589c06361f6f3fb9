#if !NET9_0_OR_GREATER
namespace Switchboard.Host.Binding;

/// <summary>Stands in for .NET 9's System.Threading.Lock, which the shared host sources lock on, when built for net8.0.</summary>
internal sealed class Lock;
#endif
