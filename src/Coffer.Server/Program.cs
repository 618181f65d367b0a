using Coffer.Server.Hosting;

return await ServerCommands.RunAsync(args);

/// <summary>The entry point; public so tests can reach the assembly.</summary>
public partial class Program;
