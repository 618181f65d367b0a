using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Coffer.Server.Features.Kms;

/// <summary>
/// The operations of customer-managed keys, on the platform's primitives only. Ciphertexts are Infisical's blobs:
/// nonce (12) ‖ ciphertext ‖ tag (16) ‖ trailer, the trailer <c>"v01"</c> for a key's first version — byte-for-byte
/// Infisical's format, so a never-rotated key answers as Infisical does — and a 4-byte big-endian version followed by
/// <c>"v02"</c> for later versions (Infisical's rotated-key format).
/// </summary>
public static class KmsCrypto
{
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private static readonly byte[] V01 = "v01"u8.ToArray();
    private static readonly byte[] V02 = "v02"u8.ToArray();

    /// <summary>Fresh key material for a symmetric algorithm.</summary>
    public static byte[] NewSymmetricKey(string algorithm) =>
        RandomNumberGenerator.GetBytes(algorithm == KmsAlgorithms.Aes128Gcm ? 16 : 32);

    public static byte[] Encrypt(ReadOnlySpan<byte> key, long version, ReadOnlySpan<byte> plaintext)
    {
        var trailer = version == 1 ? V01.Length : sizeof(int) + V02.Length;
        var blob = new byte[NonceSize + plaintext.Length + TagSize + trailer];
        var nonce = blob.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using (var gcm = new AesGcm(key, TagSize))
            gcm.Encrypt(nonce, plaintext, blob.AsSpan(NonceSize, plaintext.Length), blob.AsSpan(NonceSize + plaintext.Length, TagSize));
        var tail = blob.AsSpan(NonceSize + plaintext.Length + TagSize);
        if (version == 1)
        {
            V01.CopyTo(tail);
        }
        else
        {
            BinaryPrimitives.WriteInt32BigEndian(tail, checked((int)version));
            V02.CopyTo(tail[sizeof(int)..]);
        }
        return blob;
    }

    /// <summary>The key version a ciphertext names, or null when its trailer is none of Infisical's.</summary>
    public static long? VersionOf(ReadOnlySpan<byte> blob)
    {
        if (blob.Length < NonceSize + TagSize + V01.Length) return null;
        var marker = blob[^V01.Length..];
        if (marker.SequenceEqual(V01)) return 1;
        if (!marker.SequenceEqual(V02) || blob.Length < NonceSize + TagSize + sizeof(int) + V02.Length) return null;
        var version = BinaryPrimitives.ReadInt32BigEndian(blob[^(sizeof(int) + V02.Length)..]);
        return version > 1 ? version : null;
    }

    /// <summary>The plaintext, or null when the blob was not made by this key version (or was changed).</summary>
    public static byte[]? Decrypt(ReadOnlySpan<byte> key, long version, ReadOnlySpan<byte> blob)
    {
        var body = blob[..^(version == 1 ? V01.Length : sizeof(int) + V02.Length)];
        if (body.Length < NonceSize + TagSize) return null;
        var plaintext = new byte[body.Length - NonceSize - TagSize];
        try
        {
            using var gcm = new AesGcm(key, TagSize);
            gcm.Decrypt(body[..NonceSize], body[NonceSize..^TagSize], body[^TagSize..], plaintext);
            return plaintext;
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }
}
