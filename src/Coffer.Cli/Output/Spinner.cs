namespace Coffer.Cli.Output;

/// <summary>
/// A progress spinner on stderr that appears only when a call has taken longer than half a second
/// and both stdout and stderr are terminals: a spinner in a pipe or a log file is only noise.
/// </summary>
internal sealed class Spinner : IAsyncDisposable
{
    static readonly TimeSpan Delay = TimeSpan.FromMilliseconds(500);
    static readonly TimeSpan Frame = TimeSpan.FromMilliseconds(100);
    static readonly string[] Frames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

    readonly TextWriter _error;
    readonly string _text;
    readonly CancellationTokenSource _stop = new();
    readonly Task _loop;
    bool _drawn;

    Spinner(TextWriter error, string text)
    {
        _error = error;
        _text = text;
        _loop = RunAsync();
    }

    public static IAsyncDisposable Start(CliConsole console, bool silent, string text)
    {
        var dumbTerminal = string.Equals(Environment.GetEnvironmentVariable("TERM"), "dumb", StringComparison.Ordinal);
        if (silent || dumbTerminal || !console.OutputIsTerminal || !console.ErrorIsTerminal)
        {
            return NoSpinner.Instance;
        }

        return new Spinner(console.Error, text);
    }

    async Task RunAsync()
    {
        try
        {
            await Task.Delay(Delay, _stop.Token).ConfigureAwait(false);
            for (var i = 0; !_stop.IsCancellationRequested; i++)
            {
                lock (_error)
                {
                    _error.Write($"\r{Frames[i % Frames.Length]} {_text}");
                    _error.Flush();
                    _drawn = true;
                }

                await Task.Delay(Frame, _stop.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped before or while drawing; DisposeAsync clears the line.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        lock (_error)
        {
            if (_drawn)
            {
                // Erase the spinner line so the next output starts on a clean line.
                _error.Write("\r\u001b[2K");
                _error.Flush();
            }
        }

        _stop.Dispose();
    }

    sealed class NoSpinner : IAsyncDisposable
    {
        public static readonly NoSpinner Instance = new();
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
