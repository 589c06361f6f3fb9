using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Switchboard.Abstractions;
using Switchboard.Host.Hosting;
using Switchboard.Host.Invocation;
using Switchboard.Host.Protocols.Csp;
using Switchboard.Host.Protocols.Spiff;

namespace Switchboard.Benchmarks;

/// <summary>What one Calculator call costs in time and allocations on the pipeline and in each HTTP adapter's request
/// handling (BenchmarkDotNet with its memory diagnoser), without Kestrel or a client: the host's own share.</summary>
[MemoryDiagnoser]
public class CallAllocations
{
    // Parsed once, as an adapter hands over the element it parsed: the pipeline's own cost, without a tree built per call.
    private static readonly JsonElement CalculatorInput = JsonDocument.Parse("""{"action":"add","a":5,"b":3}""").RootElement;

    private static readonly byte[] CspBody = Encoding.UTF8.GetBytes(
        """{"jsonrpc":"2.0","id":99999999,"method":"io.switchboard:calculator:1","params":{"input":{"action":"add","a":5,"b":3}}}""");
    private static readonly byte[] SpiffBody = Encoding.UTF8.GetBytes("""{"action":"add","a":5,"b":3}""");

    private WebApplication _host = null!;
    private InvocationPipeline _pipeline = null!;
    private CspRequestHandler _csp = null!;
    private SpiffDoHandler _spiff = null!;

    [GlobalSetup]
    public async Task StartAsync()
    {
        var plugins = Path.Combine(Arguments.RepositoryRoot(), "artifacts", "plugins");
        _host = SwitchboardApp.Create(["--plugins", plugins, "--urls", "http://127.0.0.1:0", "--Switchboard:Log:Level=Warning", "--Switchboard:Catalog:Watch=false"]);
        await _host.StartAsync();
        _pipeline = _host.Services.GetRequiredService<InvocationPipeline>();
        _csp = _host.Services.GetRequiredService<CspRequestHandler>();
        _spiff = _host.Services.GetRequiredService<SpiffDoHandler>();
    }

    [GlobalCleanup]
    public async Task StopAsync()
    {
        await _host.StopAsync();
        await _host.DisposeAsync();
    }

    /// <summary>The pipeline alone: find, bind, validate, run on the pool with a timeout, write the output, log.</summary>
    [Benchmark(Baseline = true)]
    public ValueTask<Core.Outcome> Pipeline() => _pipeline.InvokeAsync(new Invocation(
        "io.switchboard:calculator:1", null, null, Protocol.InProcess) { InputElement = CalculatorInput });

    /// <summary>A CSP request from its body bytes to its answer bytes.</summary>
    [Benchmark]
    public Task Csp() => _csp.HandleAsync(Request(CspBody));

    /// <summary>A Spiff <c>/v1/do</c> request from its body bytes to its answer bytes.</summary>
    [Benchmark]
    public Task Spiff() => _spiff.HandleAsync(Request(SpiffBody), "calculator", "Calculate");

    /// <summary>What this harness costs by itself, with no handler: the same request context (which Kestrel pools and
    /// this benchmark makes per call), the body read through its pipe reader and a fixed answer written through its
    /// pipe writer. An adapter's own share is its figure minus this one.</summary>
    [Benchmark]
    public async Task Harness()
    {
        var http = Request(CspBody);
        var reader = http.Request.BodyReader;
        while (true)
        {
            var read = await reader.ReadAsync();
            reader.AdvanceTo(read.IsCompleted ? read.Buffer.End : read.Buffer.Start, read.Buffer.End);
            if (read.IsCompleted)
                break;
        }
        http.Response.ContentType = "application/json";
        await http.Response.BodyWriter.WriteAsync(Answer);
    }

    private const int Batch = 16;

    // The rows above are single calls, for continuity with the earliest figures. BenchmarkDotNet waits for a call
    // that is not finished by blocking its thread, which allocates on its own (a wait handle, and a pooled state
    // machine rented on one thread and returned on another misses its pool); a server awaits instead. These rows run
    // 16 calls awaited one after another per invocation, so that wait falls on one call in 16.

    /// <summary>The pipeline, 16 calls awaited in turn per invocation.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public async Task PipelineAwaited()
    {
        for (var i = 0; i < Batch; i++)
            await Pipeline();
    }

    /// <summary>CSP requests, 16 awaited in turn per invocation.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public async Task CspAwaited()
    {
        for (var i = 0; i < Batch; i++)
            await Csp();
    }

    /// <summary>Spiff requests, 16 awaited in turn per invocation.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public async Task SpiffAwaited()
    {
        for (var i = 0; i < Batch; i++)
            await Spiff();
    }

    /// <summary>The harness alone, 16 in turn per invocation.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public async Task HarnessAwaited()
    {
        for (var i = 0; i < Batch; i++)
            await Harness();
    }

    private static readonly byte[] Answer = Encoding.UTF8.GetBytes(
        """{"jsonrpc":"2.0","id":99999999,"result":{"output":{"result":8,"action":"add"},"statusCode":200,"error":null}}""");

    private DefaultHttpContext Request(byte[] body)
    {
        var http = new DefaultHttpContext { RequestServices = _host.Services };
        http.Request.Method = "POST";
        http.Request.ContentType = "application/json";
        http.Request.ContentLength = body.Length;
        http.Request.Body = new MemoryStream(body, writable: false);
        http.Response.Body = Stream.Null;
        return http;
    }

    /// <summary>Prints the types each benchmark allocates most (<see cref="AllocationTypes"/>).</summary>
    public static async Task TypesAsync()
    {
        var calls = new CallAllocations();
        await calls.StartAsync();
        await AllocationTypes.RunAsync("pipeline", 200_000, () => calls.Pipeline().AsTask());
        await AllocationTypes.RunAsync("csp", 200_000, calls.Csp);
        await AllocationTypes.RunAsync("spiff", 200_000, calls.Spiff);
        await AllocationTypes.RunAsync("harness", 200_000, calls.Harness);
        await calls.StopAsync();
    }

    /// <summary>Runs the benchmarks with a short job in this process (no second build), printing BenchmarkDotNet's table.</summary>
    public static void Run() => BenchmarkRunner.Run<CallAllocations>(
        DefaultConfig.Instance.AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance)).WithOptions(ConfigOptions.DisableOptimizationsValidator));
}
