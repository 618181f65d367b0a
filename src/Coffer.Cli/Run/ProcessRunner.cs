using System.Diagnostics;
namespace Coffer.Cli.Run;

/// <summary>Runs the child with the secrets and returns its exit code; in watch mode restarts it on change.</summary>
internal sealed class ProcessRunner(SignalForwarder signals, TextWriter log, bool silent)
{
    static readonly TimeSpan GracePeriod = TimeSpan.FromSeconds(10);

    public async Task<int> RunAsync(ChildCommand command, ChildEnvironment.Result environment)
    {
        using var child = StartChild(command, environment);
        // Not cancellable on purpose: signals go to the child, and coffer waits for its verdict.
        await child.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        signals.ChildPid = 0;
        return child.ExitCode;
    }

    /// <summary>
    /// Polls <paramref name="fetch"/> every <paramref name="interval"/>. When it reports a change the
    /// child gets SIGTERM, up to 10 s to exit, then SIGKILL, and a new child starts with the new
    /// secrets. A child that exits on its own ends coffer with its exit code. Failed polls are
    /// reported and the child keeps running with what it has.
    /// </summary>
    public async Task<int> RunWatchingAsync(
        ChildCommand command,
        ChildEnvironment.Result initial,
        Func<CancellationToken, Task<ChildEnvironment.Result?>> fetchIfChanged,
        TimeSpan interval,
        CancellationToken ct)
    {
        Info("[HOT RELOAD] Watching for secret changes...");
        var child = StartChild(command, initial);
        try
        {
            while (true)
            {
                var exited = child.WaitForExitAsync(CancellationToken.None);
                var tick = Task.Delay(interval, ct);
                var first = await Task.WhenAny(exited, tick).ConfigureAwait(false);
                if (first == exited)
                {
                    signals.ChildPid = 0;
                    return child.ExitCode;
                }

                ChildEnvironment.Result? changed;
                try
                {
                    changed = await fetchIfChanged(ct).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    Warn($"[HOT RELOAD] Failed to fetch secrets: {ex.Message}");
                    continue;
                }

                if (changed is null || child.HasExited)
                {
                    continue;
                }

                Info("[HOT RELOAD] Environment changes detected. Reloading process...");
                await StopAsync(child).ConfigureAwait(false);
                child.Dispose();
                child = StartChild(command, changed);
            }
        }
        finally
        {
            signals.ChildPid = 0;
            child.Dispose();
        }
    }

    Process StartChild(ChildCommand command, ChildEnvironment.Result environment)
    {
        foreach (var warning in environment.Warnings)
        {
            Warn(warning);
        }

        Info($"Injecting {environment.SecretCount} secrets into your application process");
        signals.ChildStarting();
        Process child;
        try
        {
            child = command.Start(environment.Variables);
        }
        catch
        {
            signals.ChildPid = 0;
            throw;
        }
        signals.ChildPid = child.Id;
        return child;
    }

    async Task StopAsync(Process child)
    {
        // Stop forwarding first: a signal arriving now belongs to the next child, not this one.
        signals.ChildPid = 0;
        Native.Signal(child.Id, Native.SigTerm);
        using var grace = new CancellationTokenSource(GracePeriod);
        try
        {
            await child.WaitForExitAsync(grace.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            child.Kill(entireProcessTree: true);
            await child.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    void Info(string message)
    {
        if (!silent)
        {
            log.WriteLine(message);
        }
    }

    void Warn(string message) => log.WriteLine("warning: " + message);
}
