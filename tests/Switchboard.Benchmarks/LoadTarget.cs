namespace Switchboard.Benchmarks;

/// <summary>One endpoint the load runner drives: the request it sends and the answer it expects.</summary>
internal sealed record LoadTarget(string Name, Uri Url, byte[] RequestBody, int ExpectedStatus, long ExpectedLength);
