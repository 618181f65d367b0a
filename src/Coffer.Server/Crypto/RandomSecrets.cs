using System.Security.Cryptography;

namespace Coffer.Server.Crypto;

/// <summary>Random strings from the OS CSPRNG, in the shapes Infisical hands out.</summary>
public static class RandomSecrets
{
    /// <summary>Random bytes in a client secret (Infisical: 32, shown as 64 hex characters).</summary>
    public const int ClientSecretBytes = 32;

    /// <summary>Characters of a client secret kept in clear as <c>clientSecretPrefix</c> (Infisical keeps 4).</summary>
    public const int ClientSecretPrefixLength = 4;

    /// <summary><paramref name="byteCount"/> random bytes as <c>2 × byteCount</c> lowercase hex characters.</summary>
    public static string Hex(int byteCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(byteCount);
        return RandomNumberGenerator.GetHexString(checked(byteCount * 2), lowercase: true);
    }

    /// <summary>A new universal-auth client secret: 64 lowercase hex characters.</summary>
    public static string ClientSecret() => Hex(ClientSecretBytes);

    /// <summary>
    /// The first <paramref name="length"/> characters of a secret, safe to store and show so a user can tell secrets
    /// apart (4 hex characters of a 64-character secret leave 240 bits unknown).
    /// </summary>
    public static string Prefix(string secret, int length = ClientSecretPrefixLength)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        if (secret.Length <= length)
        {
            // A "prefix" that is the whole secret would store it in clear.
            throw new ArgumentException("The secret is too short to take a prefix of that length.", nameof(secret));
        }

        return secret[..length];
    }
}
