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
    }

    /// <summary>Binds the options from <paramref name="section"/>, as <see cref="Bind(IConfiguration, object)"/> does.</summary>
    public static Microsoft.Extensions.Options.OptionsBuilder<TOptions> BindSettings<TOptions>(this Microsoft.Extensions.Options.OptionsBuilder<TOptions> builder,
        IConfiguration section) where TOptions : class =>
        builder.Configure(options => Bind(section, options));
}
