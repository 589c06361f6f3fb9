using Switchboard.Host.Hosting;

SwitchboardApp.Create(args).Run();
