namespace Coffer.Cli.Output;

/// <summary>
/// The streams a command writes to. Tests hand in string writers; the real program hands in the
/// process streams and whether they are terminals (which decides spinners and colour).
/// </summary>
internal sealed class CliConsole(TextWriter output, TextWriter error, bool outputIsTerminal, bool errorIsTerminal)
{
    public TextWriter Out { get; } = output;
    public TextWriter Error { get; } = error;
    public bool OutputIsTerminal { get; } = outputIsTerminal;
    public bool ErrorIsTerminal { get; } = errorIsTerminal;

    public static CliConsole System { get; } = new(
        Console.Out, Console.Error, !Console.IsOutputRedirected, !Console.IsErrorRedirected);
}
