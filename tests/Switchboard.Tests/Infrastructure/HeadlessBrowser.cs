using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Switchboard.Tests.Infrastructure;

/// <summary>A page in a real headless Chromium (Debian's <c>chromium</c>, driven by <c>playwright-core</c> from npm in a
/// node process of its own), stepped from the test: go to a page, wait for an element, fill, click, read, screenshot.</summary>
public sealed class HeadlessBrowser : IAsyncDisposable
{
    public const string PlaywrightCore = "playwright-core@1.64.1";
    public const string Chromium = "/usr/bin/chromium";

    private readonly Process _node;
    private readonly StringWriter _errors = new();

    private HeadlessBrowser(Process node) => _node = node;

    /// <summary>Starts the browser with one empty page; fails with a clear message when chromium is missing (<c>.ci/run</c> installs it).</summary>
    public static async Task<HeadlessBrowser> StartAsync()
    {
        if (!File.Exists(Chromium))
            throw new InvalidOperationException($"{Chromium} is missing: install Debian's chromium package (apt-get install chromium), as .ci/run does");
        var package = await NpmPackage.InstallAsync(PlaywrightCore);
        var script = Path.Combine(AppContext.BaseDirectory, "Infrastructure", "browser-driver.mjs");
        var start = new ProcessStartInfo("node", [script, package, Chromium])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var node = Process.Start(start) ?? throw new InvalidOperationException("node could not be started");
        var browser = new HeadlessBrowser(node);
        node.ErrorDataReceived += (_, e) => { lock (browser._errors) browser._errors.WriteLine(e.Data); };
        node.BeginErrorReadLine();
        await browser.AnswerAsync(TimeSpan.FromSeconds(60));
        return browser;
    }

    public Task<string> GotoAsync(string url) => StepAsync(new JsonObject { ["step"] = "goto", ["url"] = url });

    /// <summary>Waits until an element matching <paramref name="selector"/> (and holding <paramref name="text"/>) is visible; its text.</summary>
    public Task<string> WaitForAsync(string selector, string? text = null, TimeSpan? timeout = null)
    {
        var command = new JsonObject { ["step"] = "waitFor", ["selector"] = selector, ["timeout"] = (timeout ?? TimeSpan.FromSeconds(15)).TotalMilliseconds };
        if (text is not null)
            command["text"] = text;
        return StepAsync(command, (timeout ?? TimeSpan.FromSeconds(15)) + TimeSpan.FromSeconds(30));
    }

    public Task<string> TextAsync(string selector) => StepAsync(new JsonObject { ["step"] = "text", ["selector"] = selector });

    /// <summary>The page's title as it is now (script can change it).</summary>
    public Task<string> TitleAsync() => StepAsync(new JsonObject { ["step"] = "title" });

    public Task FillAsync(string selector, string value) => StepAsync(new JsonObject { ["step"] = "fill", ["selector"] = selector, ["value"] = value });

    public Task SelectAsync(string selector, string value) => StepAsync(new JsonObject { ["step"] = "select", ["selector"] = selector, ["value"] = value });

    public Task ClickAsync(string selector) => StepAsync(new JsonObject { ["step"] = "click", ["selector"] = selector });

    public Task ScreenshotAsync(string path) => StepAsync(new JsonObject { ["step"] = "screenshot", ["path"] = path });

    /// <summary>How many times the page's main frame navigated (1 after the first <see cref="GotoAsync"/>: a reload would add one).</summary>
    /// <summary>The address in the page's address bar now.</summary>
    public async Task<string> UrlAsync() => await StepAsync(new JsonObject { ["step"] = "url" });

    public async Task<int> NavigationsAsync() => int.Parse(await StepAsync(new JsonObject { ["step"] = "navigations" }));

    /// <summary>What the page's script wrote to the console as errors, and uncaught exceptions, as a JSON array.</summary>
    public Task<string> ConsoleErrorsAsync() => StepAsync(new JsonObject { ["step"] = "consoleErrors" });

    /// <summary>Runs the script file <paramref name="path"/> in the page.</summary>
    public Task AddScriptAsync(string path) => StepAsync(new JsonObject { ["step"] = "addScript", ["path"] = path });

    /// <summary>Calls <c>window[<paramref name="function"/>](<paramref name="argument"/>)</c> in the page and returns its awaited result as JSON.</summary>
    public Task<string> CallAsync(string function, JsonNode argument, TimeSpan? timeout = null) =>
        StepAsync(new JsonObject { ["step"] = "call", ["name"] = function, ["argument"] = argument }, timeout);

    private async Task<string> StepAsync(JsonObject command, TimeSpan? timeout = null)
    {
        await _node.StandardInput.WriteLineAsync(command.ToJsonString());
        await _node.StandardInput.FlushAsync();
        return await AnswerAsync(timeout ?? TimeSpan.FromSeconds(60), command["step"]!.ToString());
    }

    private async Task<string> AnswerAsync(TimeSpan timeout, string step = "start")
    {
        using var cancel = new CancellationTokenSource(timeout);
        string? line;
        try
        {
            line = await _node.StandardOutput.ReadLineAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"the browser did not answer '{step}' within {timeout.TotalSeconds} s; its errors: {Errors()}");
        }
        if (line is null)
            throw new InvalidOperationException($"the browser driver ended during '{step}': {Errors()}");
        var answer = JsonNode.Parse(line)!.AsObject();
        if (answer["ok"]!.GetValue<bool>() is false)
            throw new InvalidOperationException($"browser step '{step}' failed: {answer["error"]}");
        return answer["value"] switch
        {
            null => "",
            JsonValue value when value.TryGetValue<string>(out var text) => text,
            var other => other.ToJsonString(),
        };
    }

    private string Errors()
    {
        lock (_errors)
            return _errors.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _node.StandardInput.WriteLineAsync("""{"step":"close"}""");
            await _node.StandardInput.FlushAsync();
            _node.StandardInput.Close();
            using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _node.WaitForExitAsync(cancel.Token);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
        }
        if (!_node.HasExited)
            _node.Kill(entireProcessTree: true);
        _node.Dispose();
    }
}
