using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Coffer.Server.Crypto;

/// <summary>
/// AES-256-GCM with a self-describing blob: <c>version (1) ‖ nonce (12) ‖ ciphertext ‖ tag (16)</c>.
/// Every seal draws a fresh random nonce; with random 96-bit nonces one key stays safe for about 2^32 seals, which is
/// why secrets are encrypted under per-project data keys rather than one global key.
/// The version byte is bound into the associated data, so a blob cannot be replayed under another format version.
/// </summary>
public static class Aead
{
    public const int KeySize = 32;
    public const int NonceSize = 12;
    public const int TagSize = 16;
    public const byte CurrentVersion = 1;

    /// <summary>Bytes a sealed blob adds to its plaintext.</summary>
    public const int Overhead = 1 + NonceSize + TagSize;

    private const int StackAadLimit = 256;
    private const int StackTextLimit = 1024;

    public static int GetSealedLength(int plaintextLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(plaintextLength);
        return checked(plaintextLength + Overhead);
    }

    /// <summary>Plaintext length of a sealed blob of this length, or -1 when it is too short to be one.</summary>
    public static int GetPlaintextLength(int sealedLength) => sealedLength < Overhead ? -1 : sealedLength - Overhead;

    /// <summary>Seals into <paramref name="destination"/>, which must be exactly <see cref="GetSealedLength"/> bytes and must not overlap the plaintext.</summary>
    public static void Seal(ReadOnlySpan<byte> key, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData, Span<byte> destination)
    {
        CheckKey(key);
        using var gcm = GcmCiphers.Create(key);
        Seal(gcm, plaintext, associatedData, destination);
    }

    /// <summary>Seals with an existing cipher instance (see <see cref="DataKey"/>, which keeps a few per key).</summary>
    internal static void Seal(IGcmCipher gcm, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData, Span<byte> destination)
    {
        if (destination.Length != GetSealedLength(plaintext.Length))
        {
            throw new ArgumentException("The destination must be exactly GetSealedLength(plaintext.Length) bytes.", nameof(destination));
        }

        if (destination.Overlaps(plaintext))
        {
            throw new ArgumentException("The destination must not overlap the plaintext.", nameof(destination));
        }

        destination[0] = CurrentVersion;
        var nonce = destination.Slice(1, NonceSize);
        var ciphertextAndTag = destination[(1 + NonceSize)..];
        RandomNumberGenerator.Fill(nonce);

        byte[]? rented = null;
        var aad = associatedData.Length < StackAadLimit
            ? stackalloc byte[StackAadLimit]
            : (rented = ArrayPool<byte>.Shared.Rent(associatedData.Length + 1));
        try
        {
            aad = VersionedAad(aad, CurrentVersion, associatedData);
            gcm.Encrypt(nonce, plaintext, ciphertextAndTag, aad);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    public static byte[] Seal(ReadOnlySpan<byte> key, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        var result = new byte[GetSealedLength(plaintext.Length)];
        Seal(key, plaintext, associatedData, result);
        return result;
    }

    internal static byte[] Seal(IGcmCipher gcm, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        var result = new byte[GetSealedLength(plaintext.Length)];
        Seal(gcm, plaintext, associatedData, result);
        return result;
    }

    /// <summary>Seals the UTF-8 bytes of <paramref name="plaintext"/>; the transient UTF-8 copy is zeroed afterwards.</summary>
    public static byte[] Seal(ReadOnlySpan<byte> key, string plaintext, ReadOnlySpan<byte> associatedData)
    {
        CheckKey(key);
        using var gcm = GcmCiphers.Create(key);
        return Seal(gcm, plaintext, associatedData);
    }

    internal static byte[] Seal(IGcmCipher gcm, string plaintext, ReadOnlySpan<byte> associatedData)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        var byteCount = Encoding.UTF8.GetByteCount(plaintext);
        byte[]? rented = null;
        var utf8 = byteCount <= StackTextLimit
            ? stackalloc byte[StackTextLimit]
            : (rented = ArrayPool<byte>.Shared.Rent(byteCount));
        utf8 = utf8[..byteCount];
        try
        {
            Encoding.UTF8.GetBytes(plaintext, utf8);
            return Seal(gcm, utf8, associatedData);
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

    /// <summary>
    /// Opens a sealed blob into <paramref name="destination"/> (at least <see cref="GetPlaintextLength"/> bytes) and
    /// returns the plaintext length. Throws <see cref="DecryptionFailedException"/> when the blob does not authenticate;
    /// the destination is then left zeroed.
    /// </summary>
    public static int Open(ReadOnlySpan<byte> key, ReadOnlySpan<byte> sealedData, ReadOnlySpan<byte> associatedData, Span<byte> destination)
    {
        CheckKey(key);
        using var gcm = GcmCiphers.Create(key);
        return Open(gcm, sealedData, associatedData, destination);
    }

    internal static int Open(IGcmCipher gcm, ReadOnlySpan<byte> sealedData, ReadOnlySpan<byte> associatedData, Span<byte> destination)
    {
        var plaintextLength = GetPlaintextLength(sealedData.Length);
        if (plaintextLength < 0)
        {
            throw DecryptionFailedException.TooShort();
        }

        var version = sealedData[0];
        if (version != CurrentVersion)
        {
            throw DecryptionFailedException.UnknownVersion(version);
        }

        if (destination.Length < plaintextLength)
        {
            throw new ArgumentException("The destination is shorter than the plaintext.", nameof(destination));
        }

        var nonce = sealedData.Slice(1, NonceSize);
        var ciphertextAndTag = sealedData[(1 + NonceSize)..];
        var plaintext = destination[..plaintextLength];

        byte[]? rented = null;
        var aad = associatedData.Length < StackAadLimit
            ? stackalloc byte[StackAadLimit]
            : (rented = ArrayPool<byte>.Shared.Rent(associatedData.Length + 1));
        try
        {
            aad = VersionedAad(aad, version, associatedData);
            if (!gcm.TryDecrypt(nonce, ciphertextAndTag, plaintext, aad)) throw DecryptionFailedException.Authentication();
            return plaintextLength;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    public static byte[] Open(ReadOnlySpan<byte> key, ReadOnlySpan<byte> sealedData, ReadOnlySpan<byte> associatedData)
    {
        var plaintextLength = GetPlaintextLength(sealedData.Length);
        if (plaintextLength < 0)
        {
            throw DecryptionFailedException.TooShort();
        }

        var result = new byte[plaintextLength];
        Open(key, sealedData, associatedData, result);
        return result;
    }

    /// <summary>Opens a blob sealed from a string; the transient plaintext bytes are zeroed afterwards.</summary>
    public static string OpenString(ReadOnlySpan<byte> key, ReadOnlySpan<byte> sealedData, ReadOnlySpan<byte> associatedData)
    {
        CheckKey(key);
        using var gcm = GcmCiphers.Create(key);
        return OpenString(gcm, sealedData, associatedData);
    }

    internal static string OpenString(IGcmCipher gcm, ReadOnlySpan<byte> sealedData, ReadOnlySpan<byte> associatedData)
    {
        var plaintextLength = GetPlaintextLength(sealedData.Length);
        if (plaintextLength < 0)
        {
            throw DecryptionFailedException.TooShort();
        }

        byte[]? rented = null;
        var utf8 = plaintextLength <= StackTextLimit
            ? stackalloc byte[StackTextLimit]
            : (rented = ArrayPool<byte>.Shared.Rent(plaintextLength));
        utf8 = utf8[..plaintextLength];
        try
        {
            Open(gcm, sealedData, associatedData, utf8);
            return Encoding.UTF8.GetString(utf8);
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

    private static Span<byte> VersionedAad(Span<byte> buffer, byte version, ReadOnlySpan<byte> associatedData)
    {
        buffer[0] = version;
        associatedData.CopyTo(buffer[1..]);
        return buffer[..(associatedData.Length + 1)];
    }

    private static void CheckKey(ReadOnlySpan<byte> key)
    {
        if (key.Length != KeySize)
        {
            throw new ArgumentException($"An AEAD key must be exactly {KeySize} bytes.", nameof(key));
        }
    }
}
