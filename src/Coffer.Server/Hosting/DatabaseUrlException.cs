namespace Coffer.Server.Hosting;

/// <summary>
/// <c>DB_CONNECTION_URI</c> or <c>DB_ROOT_CERT</c> cannot be used. The message names the variable and the part at
/// fault, and never repeats user info, passwords or host text (a mis-split password can end up in the "host").
/// </summary>
public sealed class DatabaseUrlException(string variable, string message) : Exception(message)
{
    public string Variable { get; } = variable;
}
