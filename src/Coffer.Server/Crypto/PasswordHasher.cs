using System.Globalization;
using System.Security.Cryptography;

namespace Coffer.Server.Crypto;

/// <summary>
/// Human passwords: PBKDF2-HMAC-SHA256 with a per-user 16-byte salt and OWASP's 600 000 iterations, stored as
/// <c>pbkdf2-sha256$&lt;iterations&gt;$&lt;salt base64&gt;$&lt;hash base64&gt;</c>. The string names its algorithm and cost,
/// so the cost can be raised (or Argon2id added) later and old hashes upgraded on login via <see cref="NeedsRehash"/>.
/// </summary>
public static class PasswordHasher
{
    public const string Algorithm = "pbkdf2-sha256";
    public const int DefaultIterations = 600_000;
    public const int SaltSize = 16;
    public const int HashSize = 32;

    // A stored hash is trusted input, but a corrupted or hostile row must not pin a CPU for minutes.
    private const int MaxIterations = 10_000_000;

    public static string Hash(string password) => Hash(password, DefaultIterations);

    /// <summary>Lower iteration counts exist only so tests stay fast; production code calls <see cref="Hash(string)"/>.</summary>
    internal static string Hash(string password, int iterations)
    {
        ArgumentNullException.ThrowIfNull(password);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(iterations, MaxIterations);

        Span<byte> salt = stackalloc byte[SaltSize];
        Span<byte> hash = stackalloc byte[HashSize];
        RandomNumberGenerator.Fill(salt);
        Rfc2898DeriveBytes.Pbkdf2(password, salt, hash, iterations, HashAlgorithmName.SHA256);
        try
        {
            return string.Create(
                CultureInfo.InvariantCulture,
                $"{Algorithm}${iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(hash);
        }
    }

    /// <summary>Whether <paramref name="password"/> matches <paramref name="encoded"/>. Malformed encodings never match.</summary>
    public static bool Verify(string password, string encoded)
    {
        ArgumentNullException.ThrowIfNull(password);
        Span<byte> salt = stackalloc byte[SaltSize];
        Span<byte> expected = stackalloc byte[HashSize];
        if (!TryParse(encoded, salt, expected, out var iterations))
        {
            return false;
        }

        Span<byte> actual = stackalloc byte[HashSize];
        try
        {
            Rfc2898DeriveBytes.Pbkdf2(password, salt, actual, iterations, HashAlgorithmName.SHA256);
            return CryptographicOperations.FixedTimeEquals(actual, expected);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(actual);
        }
    }

    /// <summary>True when the stored hash is malformed, another algorithm, or cheaper than <see cref="DefaultIterations"/>.</summary>
    public static bool NeedsRehash(string encoded)
    {
        Span<byte> salt = stackalloc byte[SaltSize];
        Span<byte> hash = stackalloc byte[HashSize];
        return !TryParse(encoded, salt, hash, out var iterations) || iterations < DefaultIterations;
    }

    private static bool TryParse(string? encoded, Span<byte> salt, Span<byte> hash, out int iterations)
    {
        iterations = 0;
        if (encoded is null)
        {
            return false;
        }

        var rest = encoded.AsSpan();
        Span<Range> parts = stackalloc Range[5];
        if (rest.Split(parts, '$') != 4 || !rest[parts[0]].SequenceEqual(Algorithm))
        {
            return false;
        }

        var iterationText = rest[parts[1]];
        return iterationText.Length > 0
            && iterationText[0] != '0'
            && int.TryParse(iterationText, NumberStyles.None, CultureInfo.InvariantCulture, out iterations)
            && iterations <= MaxIterations
            && Convert.TryFromBase64Chars(rest[parts[2]], salt, out var saltLength) && saltLength == SaltSize
            && Convert.TryFromBase64Chars(rest[parts[3]], hash, out var hashLength) && hashLength == HashSize;
    }
}
