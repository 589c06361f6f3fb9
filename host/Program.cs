using Switchboard.Host.Hosting;
using Switchboard.Host.Templates;

try
{
    if (ElementTemplateCommand.Matches(args))
        return await ElementTemplateCommand.RunAsync(args);

    SwitchboardApp.Create(args).Run();
}
catch (Exception e) when (StartupProblem.Explain(e) is { } lines)
{
    foreach (var line in lines)
        await Console.Error.WriteLineAsync("switchboard: " + line);
    return 2;
}
// The host has stopped. A plugin may still have a foreground thread running (a plugin cannot be made to end
// its threads); returning from Main would wait for it forever, so the process ends here.
Environment.Exit(0);
return 0;
