using System.Security.Cryptography;
using System.Text;

namespace Coffer.Server.Crypto;

/// <summary>
/// The top of the key hierarchy (decision 15). It is only ever used as HKDF input: every real job (wrapping data keys,
/// hashing client secrets, …) runs under a purpose subkey from <see cref="DeriveSubkey(string)"/>.
/// Key bytes live in a pinned array so the GC never leaves copies behind, and are zeroed on dispose.
/// </summary>
public sealed class RootKey : IDisposable
{
    public const int Size = 32;
    public const string RootEncryptionKeyVariable = "ROOT_ENCRYPTION_KEY";
    public const string EncryptionKeyVariable = "ENCRYPTION_KEY";

    // Versioned labels: changing any of them changes every derived key and key id.
    private static ReadOnlySpan<byte> KeyIdLabel => "coffer-key-id"u8;
    private static ReadOnlySpan<byte> LegacyKeyInfo => "coffer/v1/root-key-from-ENCRYPTION_KEY"u8;
    private static ReadOnlySpan<byte> SubkeyInfoPrefix => "coffer/v1/subkey/"u8;
    private const int MaxPurposeBytes = 128;

    private readonly byte[] _key;
    private readonly byte[] _wrapKey;
    private bool _disposed;

    private RootKey(ReadOnlySpan<byte> key)
    {
        _key = GC.AllocateUninitializedArray<byte>(Size, pinned: true);
        key.CopyTo(_key);
        _wrapKey = GC.AllocateUninitializedArray<byte>(Aead.KeySize, pinned: true);
        DeriveSubkey(KeyPurposes.DataKeyWrap, _wrapKey);
        KeyId = ComputeKeyId(_key);
    }

    /// <summary>
    /// 16 lowercase hex characters identifying this key without revealing it (the first 8 bytes of
    /// HMAC-SHA256(key, "coffer-key-id")). Stored next to wrapped data keys so a rotation knows which root wrapped what.
    /// </summary>
    public string KeyId { get; }

    /// <summary>Wraps raw key bytes, which must be exactly 32 bytes of uniformly random data.</summary>
    public static RootKey FromBytes(ReadOnlySpan<byte> key)
    {
        if (key.Length != Size)
        {
            throw new ArgumentException($"A root key must be exactly {Size} bytes.", nameof(key));
        }

        return new RootKey(key);
    }

    /// <summary>A fresh random root key (development mode and tests).</summary>
    public static RootKey Generate()
    {
        Span<byte> key = stackalloc byte[Size];
        RandomNumberGenerator.Fill(key);
        try
        {
            return new RootKey(key);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>A fresh value in <c>ROOT_ENCRYPTION_KEY</c> format (base64 of 32 random bytes), for writing once into the data folder.</summary>
    public static string NewRootEncryptionKeyValue() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(Size));

    /// <summary>
    /// Picks the root key from the environment: <c>ROOT_ENCRYPTION_KEY</c> wins (Infisical gives it precedence too),
    /// else Infisical's legacy <c>ENCRYPTION_KEY</c>. Null when neither is set, so the caller decides between
    /// generating one (development) and refusing to start (production).
    /// </summary>
    public static RootKey? FromEnvironment(string? rootEncryptionKey, string? encryptionKey)
    {
        if (!string.IsNullOrWhiteSpace(rootEncryptionKey))
        {
            return FromRootEncryptionKey(rootEncryptionKey);
        }

        return string.IsNullOrWhiteSpace(encryptionKey) ? null : FromEncryptionKey(encryptionKey);
    }

    /// <summary>Parses <c>ROOT_ENCRYPTION_KEY</c>: standard base64 of exactly 32 bytes.</summary>
    public static RootKey FromRootEncryptionKey(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        // One spare byte lets us tell "too long" from "exactly right" without allocating.
        Span<byte> buffer = stackalloc byte[Size + 1];
        try
        {
            if (!Convert.TryFromBase64String(value.Trim(), buffer, out var written) || written != Size)
            {
                throw new KeyConfigurationException(
                    RootEncryptionKeyVariable,
                    $"{RootEncryptionKeyVariable} must be the base64 encoding of exactly {Size} bytes " +
                    "(generate one with `openssl rand -base64 32`).");
            }

            return new RootKey(buffer[..Size]);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
        }
    }

    /// <summary>
    /// Parses Infisical's <c>ENCRYPTION_KEY</c>: 32 hex characters, i.e. 16 bytes. Sixteen bytes are too short for
    /// AES-256, so the root key is HKDF-SHA256 of them under a fixed label; the hex case does not matter.
    /// </summary>
    public static RootKey FromEncryptionKey(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var hex = value.AsSpan().Trim();
        Span<byte> raw = stackalloc byte[16];
        Span<byte> derived = stackalloc byte[Size];
        try
        {
            if (hex.Length != 32
                || Convert.FromHexString(hex, raw, out _, out var written) != System.Buffers.OperationStatus.Done
                || written != raw.Length)
            {
                throw new KeyConfigurationException(
                    EncryptionKeyVariable,
                    $"{EncryptionKeyVariable} must be exactly 32 hexadecimal characters " +
                    "(generate one with `openssl rand -hex 16`).");
            }

            HKDF.DeriveKey(HashAlgorithmName.SHA256, raw, derived, salt: default, info: LegacyKeyInfo);
            return new RootKey(derived);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(raw);
            CryptographicOperations.ZeroMemory(derived);
        }
    }

    /// <summary>
    /// Derives the subkey for <paramref name="purpose"/> (see <see cref="KeyPurposes"/>) with HKDF-Expand.
    /// The root key is already uniformly random, so it serves directly as the HKDF pseudorandom key.
    /// </summary>
    public void DeriveSubkey(string purpose, Span<byte> destination)
    {
        ArgumentException.ThrowIfNullOrEmpty(purpose);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (destination.Length is < 16 or > 255 * 32)
        {
            throw new ArgumentException("A subkey must be between 16 and 8160 bytes.", nameof(destination));
        }

        var purposeLength = Encoding.UTF8.GetByteCount(purpose);
        if (purposeLength > MaxPurposeBytes)
        {
            throw new ArgumentException("The purpose label is too long.", nameof(purpose));
        }

        Span<byte> info = stackalloc byte[SubkeyInfoPrefix.Length + purposeLength];
        SubkeyInfoPrefix.CopyTo(info);
        Encoding.UTF8.GetBytes(purpose, info[SubkeyInfoPrefix.Length..]);
        HKDF.Expand(HashAlgorithmName.SHA256, _key, destination, info);
    }

    /// <summary>Derives a 32-byte subkey for <paramref name="purpose"/> into a new pinned array.</summary>
    public byte[] DeriveSubkey(string purpose)
    {
        var subkey = GC.AllocateUninitializedArray<byte>(32, pinned: true);
        DeriveSubkey(purpose, subkey);
        return subkey;
    }

    /// <summary>The AEAD key that wraps data keys; internal so nothing outside the key hierarchy encrypts under it.</summary>
    internal ReadOnlySpan<byte> DataKeyWrapKey
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _wrapKey;
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        CryptographicOperations.ZeroMemory(_key);
        CryptographicOperations.ZeroMemory(_wrapKey);
    }

    /// <summary>Only the key id: a root key that ends up in a log line or an exception must not reveal itself.</summary>
    public override string ToString() => $"RootKey({KeyId})";

    private static string ComputeKeyId(ReadOnlySpan<byte> key)
    {
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(key, KeyIdLabel, mac);
        return Convert.ToHexStringLower(mac[..8]);
    }
}
