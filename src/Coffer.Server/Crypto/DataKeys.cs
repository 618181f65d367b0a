using System.Security.Cryptography;

namespace Coffer.Server.Crypto;

/// <summary>
/// The middle of the key hierarchy: random per-owner data keys, wrapped (AES-256-GCM) under the root key's
/// <see cref="KeyPurposes.DataKeyWrap"/> subkey. The associated data binds a wrapped key to its purpose and owner,
/// so project A's wrapped key pasted into project B's row does not unwrap. Store <see cref="RootKey.KeyId"/> next to
/// each wrapped key so a rotation can tell which root wrapped it.
/// </summary>
public static class DataKeys
{
    /// <summary>Length of a wrapped data key.</summary>
    public static readonly int WrappedLength = Aead.GetSealedLength(Aead.KeySize);

    public static DataKey Generate()
    {
        Span<byte> key = stackalloc byte[Aead.KeySize];
        RandomNumberGenerator.Fill(key);
        try
        {
            return new DataKey(key);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>A new random data key, returned only wrapped: its bytes never leave this method unencrypted.</summary>
    public static byte[] NewWrapped(RootKey root, string purpose, string ownerId)
    {
        Span<byte> key = stackalloc byte[Aead.KeySize];
        RandomNumberGenerator.Fill(key);
        try
        {
            return WrapRaw(root, key, purpose, ownerId);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>Wraps key bytes the caller holds (server keys, which are HMAC keys rather than data keys).</summary>
    public static byte[] WrapRaw(RootKey root, ReadOnlySpan<byte> key, string purpose, string ownerId)
    {
        ArgumentNullException.ThrowIfNull(root);
        if (key.Length != Aead.KeySize) throw new ArgumentException($"A wrapped key must be exactly {Aead.KeySize} bytes.", nameof(key));
        return Aead.Seal(root.DataKeyWrapKey, key, WrapAad(purpose, ownerId));
    }

    /// <summary>Unwraps; throws <see cref="DecryptionFailedException"/> for the wrong root, purpose or owner, or a modified blob.</summary>
    public static DataKey Unwrap(RootKey root, ReadOnlySpan<byte> wrapped, string purpose, string ownerId)
    {
        Span<byte> key = stackalloc byte[Aead.KeySize];
        try
        {
            UnwrapRaw(root, wrapped, purpose, ownerId, key);
            return new DataKey(key);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>Unwraps into <paramref name="destination"/> (32 bytes), which the caller zeroes when done.</summary>
    public static void UnwrapRaw(RootKey root, ReadOnlySpan<byte> wrapped, string purpose, string ownerId, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(root);
        if (wrapped.Length != WrappedLength) throw DecryptionFailedException.WrongLength();
        Aead.Open(root.DataKeyWrapKey, wrapped, WrapAad(purpose, ownerId), destination);
    }

    /// <summary>Root-key rotation: unwraps under <paramref name="oldRoot"/> and wraps the same key under <paramref name="newRoot"/>.</summary>
    public static byte[] Rewrap(RootKey oldRoot, RootKey newRoot, ReadOnlySpan<byte> wrapped, string purpose, string ownerId)
    {
        Span<byte> key = stackalloc byte[Aead.KeySize];
        try
        {
            UnwrapRaw(oldRoot, wrapped, purpose, ownerId, key);
            return WrapRaw(newRoot, key, purpose, ownerId);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    private static byte[] WrapAad(string purpose, string ownerId)
    {
        ArgumentException.ThrowIfNullOrEmpty(purpose);
        ArgumentException.ThrowIfNullOrEmpty(ownerId);
        return AssociatedData.Create("coffer-data-key", purpose, ownerId);
    }
}
