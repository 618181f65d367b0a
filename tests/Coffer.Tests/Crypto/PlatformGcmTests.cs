using System.Security.Cryptography;
using Coffer.Server.Crypto;

namespace Coffer.Tests.Crypto;

/// <summary>The fallback for CPUs without AES-NI: OpenSSL's cipher behind the same try-decrypt contract.</summary>
public class PlatformGcmTests
{
    [Fact]
    public void RoundTripsAndReportsATagMismatchAsFalse()
    {
        using var gcm = new PlatformGcm(RandomNumberGenerator.GetBytes(32));
        var nonce = RandomNumberGenerator.GetBytes(12);
        var plaintext = RandomNumberGenerator.GetBytes(33);
        var (ciphertext, tag) = (new byte[33], new byte[16]);
        gcm.Encrypt(nonce, plaintext, ciphertext, tag, "aad"u8);

        var opened = new byte[33];
        Assert.True(gcm.TryDecrypt(nonce, ciphertext, tag, opened, "aad"u8));
        Assert.Equal(plaintext, opened);

        tag[0] ^= 1;
        Assert.False(gcm.TryDecrypt(nonce, ciphertext, tag, opened, "aad"u8));
        Assert.All(opened, b => Assert.Equal(0, b));
    }
}
