using System.Security.Cryptography;
using NSec.Cryptography;

namespace Coffer.Server.Crypto;

/// <summary>
/// libsodium's AES-256-GCM (<c>crypto_aead_aes256gcm</c>) through NSec: the key lives in libsodium's guarded native
/// memory, zeroed when freed, and a call in flight holds a reference to it, so disposing the key never pulls it out
/// from under a reader (later calls fail loudly). Output is byte-for-byte the GCM of the specification, the same as
/// OpenSSL's. libsodium offers it only on CPUs with AES-NI and CLMUL (<see cref="IsSupported"/>).
/// </summary>
internal sealed class SodiumGcm : IGcmCipher
{
    private static readonly AeadAlgorithm Algorithm = AeadAlgorithm.Aes256Gcm;
    private readonly Key _key;

    public SodiumGcm(ReadOnlySpan<byte> key) =>
        _key = Key.Import(Algorithm, key, KeyBlobFormat.RawSymmetricKey);

    public static bool IsSupported => Aes256Gcm.IsSupported;

    public bool IsThreadSafe => true;

    public void Encrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, Span<byte> ciphertextAndTag, ReadOnlySpan<byte> associatedData) =>
        Algorithm.Encrypt(_key, nonce, associatedData, plaintext, ciphertextAndTag);

    public bool TryDecrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertextAndTag, Span<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        if (Algorithm.Decrypt(_key, nonce, associatedData, ciphertextAndTag, plaintext)) return true;
        CryptographicOperations.ZeroMemory(plaintext);
        return false;
    }

    public void Dispose() => _key.Dispose();
}
