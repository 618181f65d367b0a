using System.Security.Cryptography;

namespace Coffer.Server.Crypto;

/// <summary>An AES-256-GCM key ready to use: the platform's (OpenSSL) or, where the CPU allows, <see cref="X86AesGcm"/>.</summary>
internal interface IGcmCipher : IDisposable
{
    void Encrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, Span<byte> ciphertext, Span<byte> tag, ReadOnlySpan<byte> associatedData);

    /// <summary>False (and the plaintext cleared) when the tag does not verify.</summary>
    bool TryDecrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> tag, Span<byte> plaintext, ReadOnlySpan<byte> associatedData);
}

internal static class GcmCiphers
{
    /// <summary>
    /// The fastest cipher for this machine. <see cref="X86AesGcm"/> is immutable and may be shared across threads;
    /// <see cref="PlatformGcm"/> serves one operation at a time (see <see cref="IsShareable"/>).
    /// </summary>
    public static IGcmCipher Create(ReadOnlySpan<byte> key) =>
        X86AesGcm.IsSupported ? new X86AesGcm(key) : new PlatformGcm(key);

    public static bool IsShareable => X86AesGcm.IsSupported;
}

/// <summary>The runtime's <see cref="AesGcm"/> (OpenSSL on Linux), for CPUs without AES-NI and PCLMULQDQ.</summary>
internal sealed class PlatformGcm(ReadOnlySpan<byte> key) : IGcmCipher
{
    private readonly AesGcm _gcm = new(key, Aead.TagSize);

    public void Encrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, Span<byte> ciphertext, Span<byte> tag, ReadOnlySpan<byte> associatedData) =>
        _gcm.Encrypt(nonce, plaintext, ciphertext, tag, associatedData);

    public bool TryDecrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> tag, Span<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        try
        {
            _gcm.Decrypt(nonce, ciphertext, tag, plaintext, associatedData);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }
    }

    public void Dispose() => _gcm.Dispose();
}
