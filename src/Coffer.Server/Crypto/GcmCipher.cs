using System.Security.Cryptography;

namespace Coffer.Server.Crypto;

/// <summary>An AES-256-GCM key ready to use: libsodium's (through NSec) or the platform's (OpenSSL).</summary>
internal interface IGcmCipher : IDisposable
{
    /// <summary>Whether one instance may serve several threads at once.</summary>
    bool IsThreadSafe { get; }

    /// <summary>Encrypts into <paramref name="ciphertextAndTag"/>: the ciphertext, then the 16-byte tag.</summary>
    void Encrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, Span<byte> ciphertextAndTag, ReadOnlySpan<byte> associatedData);

    /// <summary>False (and the plaintext cleared) when the tag does not verify.</summary>
    bool TryDecrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertextAndTag, Span<byte> plaintext, ReadOnlySpan<byte> associatedData);
}

/// <summary>Which vetted AES-256-GCM serves this process (<c>CRYPTO_PROVIDER</c>).</summary>
public enum GcmProvider
{
    /// <summary>libsodium through NSec where the CPU has AES-NI (one native call, shareable across threads); OpenSSL otherwise.</summary>
    Libsodium,

    /// <summary>The platform's <see cref="AesGcm"/> only (OpenSSL on Linux), for deployments that must use a FIPS-validated module.</summary>
    OpenSsl,
}

internal static class GcmCiphers
{
    private static volatile bool _sodium = SodiumGcm.IsSupported;

    /// <summary>Set once at start-up from the configuration; both providers give the same bytes.</summary>
    public static void Use(GcmProvider provider) => _sodium = provider == GcmProvider.Libsodium && SodiumGcm.IsSupported;

    /// <summary>The implementation in use, for the start-up log and SECURITY.md's claims.</summary>
    public static string Description => _sodium ? "libsodium (NSec)" : "OpenSSL (System.Security.Cryptography.AesGcm)";

    /// <summary>
    /// A cipher for this key. <see cref="SodiumGcm"/> is stateless per call and may be shared across threads;
    /// <see cref="PlatformGcm"/> serves one operation at a time (<see cref="IGcmCipher.IsThreadSafe"/> says which).
    /// </summary>
    public static IGcmCipher Create(ReadOnlySpan<byte> key) => _sodium ? new SodiumGcm(key) : new PlatformGcm(key);
}

/// <summary>The runtime's <see cref="AesGcm"/> (OpenSSL on Linux).</summary>
internal sealed class PlatformGcm(ReadOnlySpan<byte> key) : IGcmCipher
{
    private readonly AesGcm _gcm = new(key, Aead.TagSize);

    public bool IsThreadSafe => false;

    public void Encrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, Span<byte> ciphertextAndTag, ReadOnlySpan<byte> associatedData) =>
        _gcm.Encrypt(nonce, plaintext, ciphertextAndTag[..plaintext.Length], ciphertextAndTag[plaintext.Length..], associatedData);

    public bool TryDecrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertextAndTag, Span<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        var length = ciphertextAndTag.Length - Aead.TagSize;
        try
        {
            _gcm.Decrypt(nonce, ciphertextAndTag[..length], ciphertextAndTag[length..], plaintext, associatedData);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }
    }

    public void Dispose() => _gcm.Dispose();
}
