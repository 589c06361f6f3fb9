using Switchboard.Host.Isolation;

// A plugin's worker process: loads one plugin as the host would and serves the host's calls until the host closes the
// connection (or goes away). Started by the host only: Switchboard.Worker --plugins <dir> --plugin <name> --socket <path> [--key=value ...]
return await WorkerMain.RunAsync(args);
