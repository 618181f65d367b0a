using Coffer.Cli.Api;
using Coffer.Cli.Output;

namespace Coffer.Cli.Commands;

/// <summary>
/// Everything a command takes from the outside world, so tests can run commands in-process with
/// their own streams, environment, folder, clock and HTTP handler.
/// </summary>
internal sealed record CliContext(
    CliConsole Console,
    Func<string, string?> Env,
    string WorkingDirectory,
    TimeProvider Time,
    Func<HttpMessageHandler> HandlerFactory,
    RetryPolicy Retry)
{
    public static CliContext ForProcess(CliConsole console, Func<string, string?> env) => new(
        console,
        env,
        Directory.GetCurrentDirectory(),
        TimeProvider.System,
        () => new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(10), PooledConnectionLifetime = TimeSpan.FromMinutes(5) },
        RetryPolicy.Sdk);
}
