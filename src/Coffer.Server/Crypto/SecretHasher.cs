using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Coffer.Server.Crypto;

/// <summary>
/// Stores machine secrets (universal-auth client secrets) as HMAC-SHA256 under a server subkey, as lowercase hex
/// (decision 9). The secrets are 256 random bits, so a slow hash buys nothing; the key means a stolen database alone
/// cannot even confirm a guess. Hashing is deterministic, so a login can look the secret up by its hash.
/// </summary>
public sealed class SecretHasher : IDisposable
{
    /// <summary>Length of <see cref="Hash"/>'s output.</summary>
    public const int HashLength = HMACSHA256.HashSizeInBytes * 2;

    private const int StackLimit = 512;
    private readonly byte[] _key;

    /// <summary>Uses the root key's <see cref="KeyPurposes.ClientSecretHmac"/> subkey.</summary>
    public SecretHasher(RootKey rootKey)
    {
        ArgumentNullException.ThrowIfNull(rootKey);
        _key = rootKey.DeriveSubkey(KeyPurposes.ClientSecretHmac);
    }

    /// <summary>Uses <paramref name="key"/> (at least 32 bytes) directly.</summary>
    public SecretHasher(ReadOnlySpan<byte> key)
    {
        if (key.Length < 32)
        {
            throw new ArgumentException("An HMAC key must be at least 32 bytes.", nameof(key));
        }

        _key = GC.AllocateUninitializedArray<byte>(key.Length, pinned: true);
        key.CopyTo(_key);
    }

    /// <summary>HMAC-SHA256 of the secret's UTF-8 bytes, as 64 lowercase hex characters.</summary>
    public string Hash(ReadOnlySpan<char> secret)
    {
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        Compute(secret, mac);
        return Convert.ToHexStringLower(mac);
    }

    /// <summary>
    /// Whether <paramref name="secret"/> hashes to <paramref name="storedHash"/>. The comparison of the MACs is
    /// constant-time; a stored hash that is not 64 hex characters simply never matches.
    /// </summary>
    public bool Verify(ReadOnlySpan<char> secret, ReadOnlySpan<char> storedHash)
    {
        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        Span<byte> actual = stackalloc byte[HMACSHA256.HashSizeInBytes];
        // Compute first so a malformed stored hash costs the same as a wrong secret.
        Compute(secret, actual);
        if (storedHash.Length != HashLength
            || Convert.FromHexString(storedHash, expected, out _, out var written) != OperationStatus.Done
            || written != expected.Length)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    private void Compute(ReadOnlySpan<char> secret, Span<byte> mac)
    {
        var byteCount = Encoding.UTF8.GetByteCount(secret);
        byte[]? rented = null;
        var utf8 = byteCount <= StackLimit
            ? stackalloc byte[StackLimit]
            : (rented = ArrayPool<byte>.Shared.Rent(byteCount));
        utf8 = utf8[..byteCount];
        try
        {
            Encoding.UTF8.GetBytes(secret, utf8);
            HMACSHA256.HashData(_key, utf8, mac);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(utf8);
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    public override string ToString() => "SecretHasher(HMAC-SHA256)";

    /// <summary>Zeroes the key (at shutdown: the container disposes its singletons).</summary>
    public void Dispose() => CryptographicOperations.ZeroMemory(_key);
}
