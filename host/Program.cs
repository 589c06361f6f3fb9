using Switchboard.Host.Hosting;
using Switchboard.Host.Templates;

try
{
    if (ElementTemplateCommand.Matches(args))
        return await ElementTemplateCommand.RunAsync(args);

    SwitchboardApp.Create(args).Run();
}
catch (StartupProblem problem)
{
    await Console.Error.WriteLineAsync("switchboard: " + problem.Message);
    return 2;
}
// The host has stopped. A plugin may still have a foreground thread running (a plugin cannot be made to end
// its threads); returning from Main would wait for it forever, so the process ends here.
Environment.Exit(0);
return 0;
