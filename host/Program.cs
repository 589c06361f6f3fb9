using Switchboard.Host.Hosting;
using Switchboard.Host.Templates;

if (ElementTemplateCommand.Matches(args))
    return await ElementTemplateCommand.RunAsync(args);

SwitchboardApp.Create(args).Run();
return 0;
