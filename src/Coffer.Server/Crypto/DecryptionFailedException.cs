using System.Security.Cryptography;

namespace Coffer.Server.Crypto;

/// <summary>
/// A sealed blob could not be opened: wrong key, wrong associated data, tampering, truncation or an unknown format
/// version. The message says which of those coarse cases it was and nothing about the data or the key. To the API
/// this is an unexpected fault (500), never a client error.
/// </summary>
public sealed class DecryptionFailedException : CryptographicException
{
    private DecryptionFailedException(string message) : base(message) { }

    internal static DecryptionFailedException Authentication() =>
        new("The data could not be decrypted: wrong key or associated data, or the ciphertext was modified.");

    internal static DecryptionFailedException TooShort() =>
        new("The data could not be decrypted: the ciphertext is too short to be a sealed blob.");

    internal static DecryptionFailedException WrongLength() =>
        new("The data could not be decrypted: the ciphertext has the wrong length.");

    internal static DecryptionFailedException UnknownVersion(byte version) =>
        new($"The data could not be decrypted: unknown ciphertext format version {version}.");
}
