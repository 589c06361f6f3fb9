namespace Switchboard.Host.Hosting;

/// <summary>Binds a configuration section to an options object the one way every part of the host does: a value the
/// binder cannot convert (<c>MaxJobsActive=abc</c>) stops the host at start as a <see cref="StartupProblem"/>, one line
/// naming the key, the value and the type it should have.</summary>
/// <remarks>The binder throws <see cref="InvalidOperationException"/> for such a value, which the host would otherwise
/// end on unhandled, printing its stack instead of the setting to fix.</remarks>
internal static class SettingsBinding
{
    /// <summary>Binds <paramref name="section"/> into <paramref name="options"/>.</summary>
    /// <exception cref="StartupProblem">A value in the section cannot be converted to its property's type.</exception>
    public static void Bind(IConfiguration section, object options)
    {
        try
        {
            section.Bind(options);
        }
        catch (InvalidOperationException e)
        {
            // The binder's message names the key, the value and the type: all the operator needs.
            throw new StartupProblem(e.Message);
        }
        // Our own options only: a framework's (Kestrel's limits) judge their own values.
        if (options.GetType().Namespace?.StartsWith("Switchboard.", StringComparison.Ordinal) == true)
            CheckWaits(options, (section as IConfigurationSection)?.Path ?? "", depth: 0);
    }

    // Every time span a setting holds is set on a timer or added to a clock somewhere, and the runtime's timers refuse more
    // than about 49.7 days: a drain timeout of 100 days was accepted at start and crashed the host when it stopped, and a
    // poll interval of 100 days ended the Zeebe poller with nothing said. One rule for every section, here where they
    // are bound, rather than a check per setting that the next setting would miss. A negative one means nothing either:
    // a Zeebe drain timeout of -00:00:05 was accepted, left a removed plugin's worker closing for good, and crashed the
    // host with a stack when it stopped.
    private static void CheckWaits(object options, string path, int depth)
    {
        foreach (var property in options.GetType().GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0 || !property.CanRead)
                continue;
            var name = path.Length == 0 ? property.Name : path + ":" + property.Name;
            var type = property.PropertyType;
            if (type == typeof(TimeSpan) || type == typeof(TimeSpan?))
            {
                if (property.GetValue(options) is not TimeSpan value)
                    continue;
                if (value > Core.Describing.LongestWait.Value)
                    throw new StartupProblem($"{name} must be at most {Core.Describing.LongestWait.Text} (the longest wait the runtime's timers take), not {value}");
                if (value < TimeSpan.Zero)
                    throw new StartupProblem($"{name} must not be negative (a time span such as 00:00:30), not {value}");
            }
            else if (depth < 4 && type.IsClass && type.Namespace?.StartsWith("Switchboard.", StringComparison.Ordinal) == true
                     && property.GetValue(options) is { } nested)
                CheckWaits(nested, name, depth + 1);
        }
    }

    /// <summary>Binds the options from <paramref name="section"/>, as <see cref="Bind(IConfiguration, object)"/> does.</summary>
    public static Microsoft.Extensions.Options.OptionsBuilder<TOptions> BindSettings<TOptions>(this Microsoft.Extensions.Options.OptionsBuilder<TOptions> builder,
        IConfiguration section) where TOptions : class =>
        builder.Configure(options => Bind(section, options));
}
