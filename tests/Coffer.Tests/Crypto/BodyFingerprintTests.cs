using System.Runtime.Intrinsics;
using System.Security.Cryptography;
using Coffer.Server.Crypto;

namespace Coffer.Tests.Crypto;

public class BodyFingerprintTests
{
    /// <summary>
    /// The four-blocks-at-a-time GHASH must be GCM's: with H = AES_K(0), a GCM tag over an empty message with the body
    /// as associated data is GHASH ⊕ AES_K(nonce ‖ 1).
    /// </summary>
    [Fact]
    public void HashesAsGcmDoes()
    {
        Assert.SkipUnless(X86AesGcm.IsSupported, "This CPU has no AES-NI/PCLMULQDQ; the HMAC fallback is used.");
        var key = RandomNumberGenerator.GetBytes(32);
        using var aes = Aes.Create();
        aes.Key = key;
        var h = aes.EncryptEcb(new byte[16], PaddingMode.None);
        using var fingerprint = new BodyFingerprint(key, h);
        using var gcm = new AesGcm(key, 16);

        foreach (var length in (int[])[0, 1, 15, 16, 17, 47, 48, 63, 64, 65, 127, 128, 129, 1000, 54_283])
        {
            var body = RandomNumberGenerator.GetBytes(length);
            var nonce = RandomNumberGenerator.GetBytes(12);
            var tag = new byte[16];
            gcm.Encrypt(nonce, ReadOnlySpan<byte>.Empty, Span<byte>.Empty, tag, body);
            var mask = aes.EncryptEcb([.. nonce, 0, 0, 0, 1], PaddingMode.None);

            var ghash = new byte[16];
            fingerprint.Ghash(body).CopyTo(ghash);
            var expected = tag.Zip(mask, (t, m) => (byte)(t ^ m)).ToArray();
            Assert.True(expected.AsSpan().SequenceEqual(ghash), $"length {length}");
        }
    }

    [Fact]
    public void IsTheSameForTheSameRootKeyAndDiffersOtherwise()
    {
        var rootBytes = RandomNumberGenerator.GetBytes(32);
        using var root = RootKey.FromBytes(rootBytes);
        using var sameRoot = RootKey.FromBytes(rootBytes);
        using var otherRoot = RootKey.Generate();
        using var one = new BodyFingerprint(root);
        using var two = new BodyFingerprint(sameRoot);
        using var other = new BodyFingerprint(otherRoot);
        var body = RandomNumberGenerator.GetBytes(5000);

        var etag = one.ETag(body);

        Assert.Matches("^\"[0-9a-f]{32}\"$", etag);
        Assert.Equal(etag, two.ETag(body));
        Assert.NotEqual(etag, other.ETag(body));
    }

    [Fact]
    public void ChangesWithAnyByteAndWithTrailingZeros()
    {
        using var root = RootKey.Generate();
        using var fingerprint = new BodyFingerprint(root);
        var body = RandomNumberGenerator.GetBytes(300);
        var seen = new HashSet<string> { fingerprint.ETag(body) };

        for (var i = 0; i < body.Length; i++)
        {
            body[i] ^= 0x01;
            Assert.True(seen.Add(fingerprint.ETag(body)), $"byte {i}");
            body[i] ^= 0x01;
        }
        Assert.True(seen.Add(fingerprint.ETag([.. body, 0])));
        Assert.True(seen.Add(fingerprint.ETag([])));
        Assert.True(seen.Add(fingerprint.ETag([0])));
    }
}
