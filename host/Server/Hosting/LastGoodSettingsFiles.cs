using Microsoft.Extensions.Configuration.Json;

namespace Switchboard.Host.Hosting;

/// <summary>Settings files read again when they change (<c>appsettings.json</c> and its environment's) keep what they last
/// held while what they hold now cannot be read: an edit half written, or a typo.</summary>
/// <remarks>
/// .NET's file settings empty a file's settings when reading it again fails, and say nothing: every key of the file was
/// gone until the next good edit, so a plugin reading its <c>Plugins:&lt;Name&gt;</c> settings got none, and one loaded or
/// reloaded meanwhile lost its isolation, concurrency and timeouts. Reading the file at start still fails the start as
/// before; a failure later is logged as a warning, and the settings read before stay.
/// </remarks>
internal static class LastGoodSettingsFiles
{
    /// <summary>Replaces each JSON settings file read again on change in <paramref name="configuration"/> with one that
    /// keeps its last good content.</summary>
    public static void Use(IConfigurationBuilder configuration)
    {
        for (var i = 0; i < configuration.Sources.Count; i++)
            if (configuration.Sources[i] is JsonConfigurationSource { ReloadOnChange: true } json and not KeptSource)
                configuration.Sources[i] = new KeptSource
                {
                    Path = json.Path!,
                    Optional = json.Optional,
                    ReloadOnChange = true,
                    ReloadDelay = json.ReloadDelay,
                    FileProvider = json.FileProvider,
                    OnLoadException = json.OnLoadException,
                };
    }

    /// <summary>Sends the failures to read a file again to <paramref name="logger"/>, from now on.</summary>
    public static void Report(IConfiguration configuration, ILogger logger)
    {
        if (configuration is IConfigurationRoot root)
            foreach (var provider in root.Providers.OfType<KeptProvider>())
                provider.Logger = logger;
    }

    private sealed class KeptSource : JsonConfigurationSource
    {
        public override IConfigurationProvider Build(IConfigurationBuilder builder)
        {
            EnsureDefaults(builder);
            return new KeptProvider(this);
        }
    }

    private sealed class KeptProvider(KeptSource source) : JsonConfigurationProvider(source)
    {
        private bool _read;

        public ILogger? Logger { get; set; }

        public override void Load(Stream stream)
        {
            if (!_read)
            {
                base.Load(stream);
                _read = true;
                return;
            }
            try
            {
                base.Load(stream); // replaces the settings only once the whole file has been read
            }
            catch (FormatException e)
            {
                Logger?.LogWarning("Settings file {File} changed but cannot be read ({Problem}); the settings it held before stay in force until it can",
                    Source.Path, Logging.LogValueSanitizer.Escape(e.InnerException?.Message ?? e.Message, 300));
            }
        }
    }
}
