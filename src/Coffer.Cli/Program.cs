using Coffer.Cli;
using Coffer.Cli.Output;

return await CliApp.RunAsync(args, CliConsole.System, Environment.GetEnvironmentVariable);
