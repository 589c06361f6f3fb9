using System.Net.Sockets;
using Switchboard.Host.Catalog;
using Switchboard.Host.Invocation;

namespace Switchboard.Host.Isolation;

/// <summary>The worker executable's body (<c>host/Worker</c>): one plugin in the host's own catalog and pipeline,
/// served over the socket the host named.</summary>
public static class WorkerMain
{
    // The settings the host handed over in the environment (see WorkerProcess.SettingsVariable), never on the command line.
    private static Dictionary<string, string?> Settings() =>
        Environment.GetEnvironmentVariable(WorkerProcess.SettingsVariable) is { Length: > 0 } json
            ? System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string?>>(json) ?? []
            : [];

    /// <summary>Runs the worker; the exit code is 0 when the host closed the connection, 2 for bad arguments, 3 when the plugin did not load.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        ProcessGroup.Lead();
        var configuration = new ConfigurationBuilder().AddCommandLine(args).AddInMemoryCollection(Settings()).Build();
        if (configuration["plugins"] is not { } directory || configuration["plugin"] is not { } plugin || configuration["socket"] is not { } socketPath)
        {
            await Console.Error.WriteLineAsync("usage: Switchboard.Worker --plugins <dir> --plugin <name> --socket <path>");
            return 2;
        }
        // One compact JSON object per event on stderr, with the host's own escaping, capping and masking; the host
        // reads each back as an event of its own log with the plugin named. Plugin code's console goes to stdout, its
        // Console.Error included, which the host relays as text only: a line plugin code prints, however it is shaped,
        // can never pass for an event of the worker's log (a forged level, category or connector).
        var events = TextWriter.Synchronized(new StreamWriter(Console.OpenStandardError(), new System.Text.UTF8Encoding(false)) { AutoFlush = true });
        // The console's own writer hands the pipe 256 characters per system call: a plugin printing a megabyte made
        // four thousand of them, and the host waited on them.
        Console.SetOut(new StreamWriter(Console.OpenStandardOutput(), new System.Text.UTF8Encoding(false), 64 * 1024) { AutoFlush = true });
        Console.SetError(Console.Out);
        var logSection = new ConfigurationBuilder().AddConfiguration(configuration.GetSection("Switchboard:Log"))
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Format"] = "json" }).Build();
        using var serilog = Logging.LoggingSetup.Configure(new Serilog.LoggerConfiguration(), logSection, events).CreateLogger();
        using var loggers = new Serilog.Extensions.Logging.SerilogLoggerFactory(serilog);
        var options = new CatalogOptions { PluginsDirectory = directory, Watch = false, OnlyPlugin = plugin };
        configuration.GetSection(CatalogOptions.Section).Bind(options);
        options.Watch = false;
        options.Isolation = "inprocess";
        await using var catalog = new PluginCatalog(options, configuration, loggers);
        await catalog.StartAsync();
        if (catalog.Plugins.FirstOrDefault(p => p.Name == plugin) is not { State: PluginState.Loaded })
        {
            // On stderr after the log's events, so that it is the last line the host reads there and quotes as the reason.
            await events.WriteLineAsync($"plugin {plugin} did not load: {catalog.Plugins.FirstOrDefault(p => p.Name == plugin)?.Reason ?? "no such folder"}");
            await events.FlushAsync();
            // At once, without disposing the catalog: a stuck constructor or StartAsync is still running, and the host
            // is waiting for this process to end to read why.
            Environment.Exit(3);
        }
        var pipeline = new InvocationPipeline(catalog, loggers);
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath));
        await using var connection = new NetworkStream(socket, ownsSocket: false);
        try
        {
            await new WorkerServer(connection, catalog, pipeline, loggers).RunAsync(CancellationToken.None);
        }
        catch (IOException)
        {
            // The host went away: nothing is left to answer.
        }
        return 0;
    }
}
