using Microsoft.Extensions.Logging;

namespace Switchboard.Host.Catalog;

/// <summary>Watches the plugins folder recursively and reports each plugin folder once it has been quiet for a while.</summary>
/// <remarks>
/// Replaces the plugin library's own watcher, which sees only <c>Changed</c> events on top-level DLLs and so
/// misses atomic-rename deploys and fires in the middle of a <c>dotnet build</c>.
/// </remarks>
internal sealed class PluginWatcher : IDisposable
{
    private readonly string _root;
    private readonly TimeSpan _quietPeriod;
    private readonly Action<string> _onQuiet;
    private readonly Action _onOverflow;
    private readonly ILogger _logger;
    private readonly Dictionary<string, Timer> _timers = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private FileSystemWatcher? _watcher;

    public PluginWatcher(string root, TimeSpan quietPeriod, Action<string> onQuiet, Action onOverflow, ILogger logger)
    {
        _root = Path.GetFullPath(root);
        _quietPeriod = quietPeriod;
        _onQuiet = onQuiet;
        _onOverflow = onOverflow;
        _logger = logger;
    }

    public void Start()
    {
        _watcher = new FileSystemWatcher(_root)
        {
            IncludeSubdirectories = true,
            InternalBufferSize = 64 * 1024,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
        };
        _watcher.Created += (_, e) => Touch(e.FullPath);
        _watcher.Changed += (_, e) => Touch(e.FullPath);
        _watcher.Deleted += (_, e) => Touch(e.FullPath);
        _watcher.Renamed += (_, e) =>
        {
            Touch(e.OldFullPath);
            Touch(e.FullPath);
        };
        _watcher.Error += (_, e) =>
        {
            _logger.LogWarning("Plugin folder watcher lost events ({Error}); rescanning {PluginsDirectory}", e.GetException().Message, _root);
            _onOverflow();
        };
        _watcher.EnableRaisingEvents = true;
    }

    private void Touch(string path)
    {
        var relative = Path.GetRelativePath(_root, path);
        if (relative.StartsWith("..", StringComparison.Ordinal) || relative == ".")
            return;
        var plugin = relative.Split(Path.DirectorySeparatorChar)[0];
        if (PluginFolder.IsIgnored(plugin))
            return;
        lock (_lock)
        {
            if (_watcher is null)
                return;
            if (_timers.TryGetValue(plugin, out var timer))
                timer.Change(_quietPeriod, Timeout.InfiniteTimeSpan);
            else
                _timers[plugin] = new Timer(Fire, plugin, _quietPeriod, Timeout.InfiniteTimeSpan);
        }
    }

    private void Fire(object? state)
    {
        var plugin = (string)state!;
        lock (_lock)
        {
            if (_timers.Remove(plugin, out var timer))
                timer.Dispose();
        }
        _onQuiet(plugin);
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _watcher?.Dispose();
            _watcher = null;
            foreach (var timer in _timers.Values)
                timer.Dispose();
            _timers.Clear();
        }
    }
}
