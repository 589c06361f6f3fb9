using System.Text.Json;
using System.Text.Json.Nodes;
using Switchboard.Abstractions;

namespace Switchboard.TestPlugins.Crasher;

public sealed class Numbers
{
    [Parameter("a")]
    public int A { get; set; }

    [Parameter("b")]
    public int B { get; set; }
}

public sealed class Nothing
{
}

public sealed class Levels
{
    [Parameter("levels")]
    public int Count { get; set; }
}

public sealed class Size
{
    [Parameter("mb")]
    public int Megabytes { get; set; }
}

/// <summary>Faults no load context can contain: each ends the process it runs in.</summary>
[Connector("io.switchboard.test:crasher:1", Name = "Crasher")]
public sealed class CrasherConnector
{
    [Operation("add")]
    public object Add(Numbers input) => new { sum = input.A + input.B, pid = Environment.ProcessId };

    [Operation("failFast")]
    public object FailFast(Nothing input)
    {
        Environment.FailFast("the crasher plugin asked for it");
        return new { };
    }

    [Operation("stackOverflow")]
    public object StackOverflow(Nothing input) => new { depth = Recurse(0) };

    [Operation("threadThrow")]
    public object ThreadThrow(Nothing input)
    {
        var thread = new Thread(() => throw new InvalidOperationException("thrown on a plugin's own thread"));
        thread.Start();
        thread.Join();
        return new { };
    }

    [Operation("asyncVoid")]
    public async Task<object> AsyncVoid(Nothing input)
    {
        Fire();
        await Task.Delay(Timeout.Infinite);
        return new { };
    }

    private static readonly List<byte[]> Held = [];

    /// <summary>Allocates and keeps <c>mb</c> megabytes, touched so that they count in the working set.</summary>
    [Operation("allocate")]
    public object Allocate(Size input)
    {
        for (var i = 0; i < input.Megabytes; i++)
        {
            var block = new byte[1024 * 1024];
            Array.Fill(block, (byte)1);
            lock (Held)
                Held.Add(block);
        }
        return new { held = Held.Count };
    }

    /// <summary>Allocates as <c>allocate</c> does, then waits forever: only something outside can end the call.</summary>
    [Operation("allocateAndWait")]
    public async Task<object> AllocateAndWait(Size input)
    {
        Allocate(input);
        await Task.Delay(Timeout.Infinite);
        return new { };
    }

    /// <summary>Returns <c>{"nested": [[...1...]]}</c>, the list <c>levels</c> deep: a JSON node a connector returns may
    /// nest up to JSON writers' limit of 1000 levels.</summary>
    [Operation("nest")]
    public object Nest(Levels input)
    {
        var text = new string('[', input.Count) + "1" + new string(']', input.Count);
        return new { nested = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { MaxDepth = 1000 }), pid = Environment.ProcessId };
    }

    [Operation("hang")]
    public async Task<object> Hang(Nothing input)
    {
        await Task.Delay(Timeout.Infinite);
        return new { };
    }

    private static async void Fire()
    {
        await Task.Yield();
        throw new InvalidOperationException("thrown from async void");
    }

    private static int Recurse(int depth) => depth == int.MaxValue ? depth : Recurse(depth + 1) + 1;
}
