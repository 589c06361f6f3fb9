using Microsoft.Extensions.Logging;

namespace Switchboard.Host.Catalog;

/// <summary>Watches the plugins folder recursively and reports each plugin folder once it has been quiet for a while.</summary>
/// <remarks>
/// Replaces the plugin library's own watcher, which sees only <c>Changed</c> events on top-level DLLs and so
/// misses atomic-rename deploys and fires in the middle of a <c>dotnet build</c>.
/// A file system watcher watches the folder it found when it started, not the path: a deploy that replaces the plugins
/// folder as a whole (a link such as <c>current</c> re-pointed at a new release, a new folder renamed in place of the
/// old one, the folder deleted and created again) left it watching the old folder, or nothing, and no plugin was loaded
/// or reloaded again until the host restarted. So the folder at the path is looked at every
/// <see cref="RootCheckInterval"/> (one <c>stat</c>); when it is another, it is watched instead, and rescanned.
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
    private Timer? _rootCheck;
    private RootIdentity? _watched;
    private IDisposable? _held;
    private bool _disposed;

    /// <summary>How often the folder at the path is compared with the one watched.</summary>
    public static TimeSpan RootCheckInterval { get; } = TimeSpan.FromSeconds(1);

    // Which folder the path leads to: where its links lead, and which folder is there (a folder created again, or renamed
    // in, at the same path is another one).
    private readonly record struct RootIdentity(string Target, (long Device, long Node) Folder);

    private int _checks;

    /// <summary>How many times the folder at the path has been compared with the one watched.</summary>
    internal int Checks => Volatile.Read(ref _checks);

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
        lock (_lock)
        {
            _watched = Identify();
            _held = _watched is { } watched ? FolderIdentity.Hold(watched.Target) : null;
            _watcher = Watch();
            _rootCheck = new Timer(_ => CheckRoot(), null, RootCheckInterval, RootCheckInterval);
        }
    }

    private FileSystemWatcher? Watch()
    {
        if (!Directory.Exists(_root))
            return null;
        FileSystemWatcher watcher;
        try
        {
            watcher = new FileSystemWatcher(_root);
        }
        catch (ArgumentException)
        {
            return null; // gone again meanwhile: the next check sees it
        }
        Configure(watcher);
        try
        {
            watcher.EnableRaisingEvents = true;
        }
        catch (Exception e) when (e is IOException or ArgumentException or FileNotFoundException)
        {
            watcher.Dispose();
            return null;
        }
        return watcher;
    }

    private RootIdentity? Identify()
    {
        try
        {
            var root = new DirectoryInfo(_root);
            var target = root.LinkTarget is null ? root : root.ResolveLinkTarget(returnFinalTarget: true) as DirectoryInfo;
            return target is { Exists: true } ? new RootIdentity(target.FullName, FolderIdentity.Of(target)) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private void CheckRoot()
    {
        FileSystemWatcher? replaced;
        RootIdentity? now;
        lock (_lock)
        {
            if (_disposed)
                return;
            now = Identify();
            Interlocked.Increment(ref _checks);
            if (now == _watched)
                return;
            _watched = now;
            _held?.Dispose();
            _held = now is { } target ? FolderIdentity.Hold(target.Target) : null;
            replaced = _watcher;
            _watcher = Watch();
        }
        replaced?.Dispose();
        if (now is null)
            _logger.LogWarning("The plugins folder {PluginsDirectory} is gone; it is watched for again", _root);
        else
        {
            _logger.LogInformation("The plugins folder {PluginsDirectory} is another folder now ({Target}); watching and rescanning it", _root, now.Value.Target);
            _onOverflow();
        }
    }

    private void Configure(FileSystemWatcher watcher)
    {
        watcher.IncludeSubdirectories = true;
        watcher.InternalBufferSize = 64 * 1024;
        watcher.NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime;
        watcher.Created += (_, e) => Touch(e.FullPath);
        watcher.Changed += (_, e) => Touch(e.FullPath);
        watcher.Deleted += (_, e) => Touch(e.FullPath);
        watcher.Renamed += (_, e) =>
        {
            Touch(e.OldFullPath);
            Touch(e.FullPath);
        };
        watcher.Error += (_, e) =>
        {
            _logger.LogWarning("Plugin folder watcher lost events ({Error}); rescanning {PluginsDirectory}", e.GetException().Message, _root);
            _onOverflow();
        };
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
            if (_disposed)
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
            _disposed = true;
            _rootCheck?.Dispose();
            _watcher?.Dispose();
            _watcher = null;
            _held?.Dispose();
            _held = null;
            foreach (var timer in _timers.Values)
                timer.Dispose();
            _timers.Clear();
        }
    }
}
