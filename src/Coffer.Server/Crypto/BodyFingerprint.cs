using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;

namespace Coffer.Server.Crypto;

/// <summary>
/// The strong ETag of a response body: a keyed 128-bit fingerprint, AES_K(GHASH_H(body ‖ length)), with K and H derived
/// from the root key. GHASH under a secret H is a universal hash (two different bodies of up to n blocks collide with
/// probability at most n/2^128) and the AES permutation on top makes the tag a pseudorandom function of the body, so
/// tags reveal nothing about H and no one can build two bodies with one tag. It replaces SHA-256 of the body, which cost
/// ~35 µs for a list of 100 secrets (~54 KB) — a tenth of the request (bench/README.md) — where this costs a few.
/// Derived from the root key, so every instance sharing a database and a restarted server give a body the same tag
/// (Infisical's CLI restarts a watched process when the tag changes). On a CPU without AES-NI and PCLMULQDQ the tag is
/// HMAC-SHA256 under the same key instead: the same guarantees, different values.
/// </summary>
public sealed class BodyFingerprint : IDisposable
{
    private const int BlockSize = 16;
    private readonly X86AesGcm? _cipher;
    private const int Stride = 8;
    private readonly Vector128<ulong>[] _powers = GC.AllocateArray<Vector128<ulong>>(Stride, pinned: true); // H, H², …, H⁸
    private readonly byte[]? _macKey; // only without AES-NI: the HMAC fallback's key

    public BodyFingerprint(RootKey root)
        : this(DeriveKeys(root))
    {
    }

    private BodyFingerprint(byte[] keys)
        : this(keys.AsSpan(0, Aead.KeySize), keys.AsSpan(Aead.KeySize))
    {
        CryptographicOperations.ZeroMemory(keys);
    }

    /// <summary>From explicit keys: the tests check the hash against GCM's own GHASH this way.</summary>
    internal BodyFingerprint(ReadOnlySpan<byte> cipherKey, ReadOnlySpan<byte> hashKey)
    {
        if (!X86AesGcm.IsSupported)
        {
            _macKey = GC.AllocateArray<byte>(Aead.KeySize, pinned: true);
            cipherKey.CopyTo(_macKey);
            return;
        }
        _cipher = new X86AesGcm(cipherKey);
        var h = X86AesGcm.Reflect(Vector128.Create(hashKey)).AsUInt64();
        _powers[0] = h;
        for (var i = 1; i < _powers.Length; i++) _powers[i] = X86AesGcm.Multiply(_powers[i - 1], h);
    }

    private static byte[] DeriveKeys(RootKey root)
    {
        var keys = GC.AllocateArray<byte>(Aead.KeySize + BlockSize, pinned: true);
        root.DeriveSubkey(KeyPurposes.ResponseETag, keys);
        return keys;
    }

    /// <summary>The tag as an ETag header value: 32 lowercase hex digits in quotes.</summary>
    public string ETag(ReadOnlySpan<byte> body)
    {
        Span<byte> tag = stackalloc byte[BlockSize];
        Compute(body, tag);
        return "\"" + Convert.ToHexStringLower(tag) + "\"";
    }

    public void Compute(ReadOnlySpan<byte> body, Span<byte> tag)
    {
        if (_cipher is null)
        {
            Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
            HMACSHA256.HashData(_macKey!, body, mac);
            mac[..BlockSize].CopyTo(tag);
            return;
        }
        _cipher.EncryptBlock(Ghash(body)).CopyTo(tag);
    }

    /// <summary>GHASH_H(body ‖ pad ‖ len) with the body in GCM's associated-data position, in GCM's byte order.</summary>
    internal Vector128<byte> Ghash(ReadOnlySpan<byte> body) => X86AesGcm.Reflect(Hash(body).AsByte());

    /// <summary>
    /// GHASH eight blocks at a time: (Y ⊕ X1)·H⁸ ⊕ X2·H⁷ ⊕ … ⊕ X8·H equals eight sequential steps, and the eight products
    /// are independent, so they overlap in the CPU and share one reduction; only one multiplication per eight blocks
    /// waits for the previous result.
    /// </summary>
    private Vector128<ulong> Hash(ReadOnlySpan<byte> body)
    {
        var length = (ulong)body.Length * 8;
        ReadOnlySpan<Vector128<ulong>> powers = _powers;
        var h = powers[0];
        var y = Vector128<ulong>.Zero;
        var (h2, h3, h4, h5, h6, h7, h8) = (powers[1], powers[2], powers[3], powers[4], powers[5], powers[6], powers[7]);
        while (body.Length >= Stride * BlockSize)
        {
            ref var start = ref MemoryMarshal.GetReference(body);
            var (l1, m1, u1) = X86AesGcm.MultiplyWide(y ^ Block(ref start, 0), h8);
            var (l2, m2, u2) = X86AesGcm.MultiplyWide(Block(ref start, 1), h7);
            var (l3, m3, u3) = X86AesGcm.MultiplyWide(Block(ref start, 2), h6);
            var (l4, m4, u4) = X86AesGcm.MultiplyWide(Block(ref start, 3), h5);
            var (l5, m5, u5) = X86AesGcm.MultiplyWide(Block(ref start, 4), h4);
            var (l6, m6, u6) = X86AesGcm.MultiplyWide(Block(ref start, 5), h3);
            var (l7, m7, u7) = X86AesGcm.MultiplyWide(Block(ref start, 6), h2);
            var (l8, m8, u8) = X86AesGcm.MultiplyWide(Block(ref start, 7), h);
            y = X86AesGcm.Reduce(l1 ^ l2 ^ l3 ^ l4 ^ l5 ^ l6 ^ l7 ^ l8, m1 ^ m2 ^ m3 ^ m4 ^ m5 ^ m6 ^ m7 ^ m8,
                u1 ^ u2 ^ u3 ^ u4 ^ u5 ^ u6 ^ u7 ^ u8);
            body = body[(Stride * BlockSize)..];
        }
        // The last blocks (fewer than eight, the final one zero-padded) one at a time, as GCM absorbs any data.
        y = X86AesGcm.Absorb(y, h, body);
        // GCM's length block (the body as associated data, no ciphertext): bodies that differ only in trailing zero bytes
        // differ here. Reflected, the associated data's length is the high word.
        return X86AesGcm.Multiply(y ^ Vector128.Create(0UL, length), h);
    }

    /// <summary>Block <paramref name="index"/> from <paramref name="start"/>; the caller has checked that it lies in the span.</summary>
    private static Vector128<ulong> Block(ref byte start, int index) =>
        X86AesGcm.Reflect(Vector128.LoadUnsafe(ref start, (nuint)(index * BlockSize))).AsUInt64();

    public void Dispose()
    {
        _cipher?.Dispose();
        Array.Clear(_powers);
        if (_macKey is not null) CryptographicOperations.ZeroMemory(_macKey);
    }
}
