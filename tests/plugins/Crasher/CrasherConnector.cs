using System.Buffers.Binary;
using System.Text;
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

public sealed class Frame
{
    [Parameter("message")]
    public string Message { get; set; } = "";
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

    /// <summary>Starts <c>sleep 600</c> and answers its process id: a child the plugin never ends itself.</summary>
    [Operation("spawn")]
    public object Spawn(Nothing input)
    {
        using var child = System.Diagnostics.Process.Start("sleep", "600");
        return new { child = child.Id, pid = Environment.ProcessId };
    }

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

    /// <summary>Writes <c>message</c> as a frame of the host's own protocol to every Unix socket this process holds (a
    /// worker's connection to its host), then waits: plugin code can reach the connection its worker answers on. A
    /// message holding <c>{id}</c> is written once for each id from 1 to 100, so that one of them answers this call.</summary>
    [Operation("forge")]
    public async Task<object> Forge(Frame input)
    {
        var frames = new MemoryStream();
        foreach (var id in input.Message.Contains("{id}") ? Enumerable.Range(1, 100) : [0])
        {
            var bytes = Encoding.UTF8.GetBytes(input.Message.Replace("{id}", id.ToString()));
            var length = new byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(length, bytes.Length);
            frames.Write(length);
            frames.Write(bytes);
        }
        var frame = frames.ToArray();
        var written = 0;
        foreach (var descriptor in Directory.GetFiles("/proc/self/fd"))
        {
            if (new FileInfo(descriptor).LinkTarget is not { } target || !target.StartsWith("socket:", StringComparison.Ordinal))
                continue;
            // Written with write(2) itself: the descriptor belongs to the worker, whose runtime reads it asynchronously.
            if (write(int.Parse(Path.GetFileName(descriptor)), frame, frame.Length) == frame.Length)
                written++;
        }
        if (written == 0)
            throw new InvalidOperationException("no Unix socket to write to");
        await Task.Delay(Timeout.Infinite);
        return new { };
    }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern nint write(int descriptor, byte[] buffer, nint count);

    /// <summary>Writes one line of <c>mb</c> megabytes to the console, then answers: a runaway print, which the host reads
    /// as the worker's output.</summary>
    [Operation("print")]
    public object Print(Size input)
    {
        var block = new string('x', 1024 * 1024);
        for (var i = 0; i < input.Megabytes; i++)
            Console.Out.Write(block);
        Console.Out.WriteLine();
        Console.Out.Flush();
        return new { pid = Environment.ProcessId };
    }

    /// <summary>Writes <c>message</c> as one line to standard output, then answers: plugin code printing a line of its own.</summary>
    [Operation("say")]
    public object Say(Frame input)
    {
        Console.Out.WriteLine(input.Message);
        Console.Out.Flush();
        return new { pid = Environment.ProcessId };
    }

    /// <summary>Answers with a text of <c>mb</c> megabytes: over what a worker message carries past 64.</summary>
    [Operation("large")]
    public object Large(Size input) => new { text = new string('x', input.Megabytes * 1024 * 1024), pid = Environment.ProcessId };

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
