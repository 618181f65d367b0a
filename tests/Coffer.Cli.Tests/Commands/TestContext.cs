using Coffer.Cli.Api;
using Coffer.Cli.Commands;
using Coffer.Cli.Output;

namespace Coffer.Cli.Tests.Commands;

/// <summary>Runs the CLI in-process with captured streams and a fixed environment.</summary>
internal sealed class InProcessCli
{
    public StringWriter Out { get; } = new();
    public StringWriter Error { get; } = new();
    public Dictionary<string, string> Env { get; } = [];
    public string WorkingDirectory { get; set; } = Path.GetTempPath();
    public Func<HttpMessageHandler> Handler { get; set; } = () => new SocketsHttpHandler();

    public CliContext Context => new(
        new CliConsole(Out, Error, outputIsTerminal: false, errorIsTerminal: false),
        name => Env.GetValueOrDefault(name),
        WorkingDirectory,
        TimeProvider.System,
        Handler,
        RetryPolicy.Sdk with { Delay = (_, _) => Task.CompletedTask });

    public Task<int> RunAsync(params string[] args) => CliApp.RunAsync(args, Context);
}
