namespace Coffer.Server.Crypto;

/// <summary>
/// A key-bearing environment variable holds an unusable value. The message names the variable and says what shape
/// is expected; it never contains the value, because the value is the secret.
/// </summary>
public sealed class KeyConfigurationException(string variable, string message) : Exception(message)
{
    /// <summary>The environment variable at fault, e.g. <c>ROOT_ENCRYPTION_KEY</c>.</summary>
    public string Variable { get; } = variable;
}
