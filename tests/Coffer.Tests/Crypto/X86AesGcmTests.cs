using System.Security.Cryptography;
using Coffer.Server.Crypto;

namespace Coffer.Tests.Crypto;

/// <summary>
/// The instruction-level AES-256-GCM must be the platform's AES-GCM to the byte: blobs sealed before it existed (by
/// OpenSSL) have to open, and the other way round. Checked on NIST's vectors and against <see cref="AesGcm"/>.
/// </summary>
public class X86AesGcmTests
{
    private static readonly int[] Lengths = [.. Enumerable.Range(0, 70), 95, 96, 97, 127, 128, 129, 255, 256, 1000, 4099];
    private static readonly int[] AadLengths = [0, 1, 12, 15, 16, 17, 31, 32, 33, 90, 300];

    public X86AesGcmTests() => Assert.SkipUnless(X86AesGcm.IsSupported, "This CPU has no AES-NI/PCLMULQDQ; the platform cipher is used.");

    // The GCM specification's AES-256 test cases 13, 14 and 16 (McGrew and Viega), which NIST's validation reuses.
    [Theory]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000", "000000000000000000000000", "", "", "", "530f8afbc74536b9a963b4f1c4cb738b")]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000", "000000000000000000000000", "00000000000000000000000000000000", "", "cea7403d4d606b6e074ec5d3baf39d18", "d0d1c8a799996bf0265b98b5d48ab919")]
    [InlineData("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308", "cafebabefacedbaddecaf888",
        "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
        "feedfacedeadbeeffeedfacedeadbeefabaddad2",
        "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
        "76fc6ece0f4e1768cddf8853bb2d551b")]
    public void MatchesTheSpecificationVectors(string key, string nonce, string plaintext, string aad, string ciphertext, string tag)
    {
        using var gcm = new X86AesGcm(Convert.FromHexString(key));
        var p = Convert.FromHexString(plaintext);
        var c = new byte[p.Length];
        var t = new byte[16];

        gcm.Encrypt(Convert.FromHexString(nonce), p, c, t, Convert.FromHexString(aad));

        Assert.Equal(ciphertext, Convert.ToHexStringLower(c));
        Assert.Equal(tag, Convert.ToHexStringLower(t));
        var opened = new byte[c.Length];
        Assert.True(gcm.TryDecrypt(Convert.FromHexString(nonce), c, t, opened, Convert.FromHexString(aad)));
        Assert.Equal(p, opened);
    }

    [Fact]
    public void EncryptsAsThePlatformDoesForEveryLengthClass()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        using var ours = new X86AesGcm(key);
        using var platform = new AesGcm(key, 16);
        foreach (var length in Lengths)
        {
            foreach (var aadLength in AadLengths)
            {
                var nonce = RandomNumberGenerator.GetBytes(12);
                var plaintext = RandomNumberGenerator.GetBytes(length);
                var aad = RandomNumberGenerator.GetBytes(aadLength);
                var (c1, t1) = (new byte[length], new byte[16]);
                var (c2, t2) = (new byte[length], new byte[16]);

                ours.Encrypt(nonce, plaintext, c1, t1, aad);
                platform.Encrypt(nonce, plaintext, c2, t2, aad);

                Assert.True(c1.AsSpan().SequenceEqual(c2) && t1.AsSpan().SequenceEqual(t2), $"differs at length {length}, AAD {aadLength}");
            }
        }
    }

    [Fact]
    public void OpensWhatThePlatformSealed()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        using var ours = new X86AesGcm(key);
        using var platform = new AesGcm(key, 16);
        foreach (var length in Lengths)
        {
            var nonce = RandomNumberGenerator.GetBytes(12);
            var plaintext = RandomNumberGenerator.GetBytes(length);
            var aad = RandomNumberGenerator.GetBytes(length % 40);
            var (ciphertext, tag) = (new byte[length], new byte[16]);
            platform.Encrypt(nonce, plaintext, ciphertext, tag, aad);

            var opened = new byte[length];
            Assert.True(ours.TryDecrypt(nonce, ciphertext, tag, opened, aad), $"length {length}");
            Assert.Equal(plaintext, opened);
        }
    }

    [Theory]
    [InlineData("ciphertext")]
    [InlineData("tag")]
    [InlineData("aad")]
    [InlineData("nonce")]
    public void RefusesAnyChangedBitAndLeavesNoPlaintext(string part)
    {
        var key = RandomNumberGenerator.GetBytes(32);
        using var gcm = new X86AesGcm(key);
        var nonce = RandomNumberGenerator.GetBytes(12);
        var plaintext = RandomNumberGenerator.GetBytes(40);
        var aad = RandomNumberGenerator.GetBytes(20);
        var (ciphertext, tag) = (new byte[40], new byte[16]);
        gcm.Encrypt(nonce, plaintext, ciphertext, tag, aad);
        var target = part switch { "ciphertext" => ciphertext, "tag" => tag, "aad" => aad, _ => nonce };

        for (var bit = 0; bit < target.Length * 8; bit++)
        {
            target[bit / 8] ^= (byte)(1 << (bit % 8));
            var opened = Enumerable.Repeat((byte)0xAA, 40).ToArray();
            Assert.False(gcm.TryDecrypt(nonce, ciphertext, tag, opened, aad));
            Assert.All(opened, b => Assert.Equal(0, b));
            target[bit / 8] ^= (byte)(1 << (bit % 8));
        }
        Assert.True(gcm.TryDecrypt(nonce, ciphertext, tag, new byte[40], aad));
    }

    [Fact]
    public void OneInstanceServesManyThreadsAtOnce()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        using var ours = new X86AesGcm(key);
        using var platform = new AesGcm(key, 16);
        var inputs = Enumerable.Range(0, 64).Select(i => (Nonce: RandomNumberGenerator.GetBytes(12), Text: RandomNumberGenerator.GetBytes(i * 7))).ToArray();
        var expected = inputs.Select(x =>
        {
            var (c, t) = (new byte[x.Text.Length], new byte[16]);
            platform.Encrypt(x.Nonce, x.Text, c, t);
            return Convert.ToHexString(c) + Convert.ToHexString(t);
        }).ToArray();

        Parallel.For(0, 20_000, new ParallelOptions { MaxDegreeOfParallelism = 4 }, n =>
        {
            var (nonce, text) = inputs[n % inputs.Length];
            var (c, t) = (new byte[text.Length], new byte[16]);
            ours.Encrypt(nonce, text, c, t, []);
            Assert.Equal(expected[n % inputs.Length], Convert.ToHexString(c) + Convert.ToHexString(t));
        });
    }

    [Fact]
    public void RejectsWrongSizesAndUseAfterDispose()
    {
        var gcm = new X86AesGcm(new byte[32]);
        Assert.Throws<ArgumentException>(() => new X86AesGcm(new byte[16]));
        Assert.Throws<ArgumentException>(() => gcm.Encrypt(new byte[16], [], [], new byte[16], []));
        Assert.Throws<ArgumentException>(() => gcm.Encrypt(new byte[12], [], [], new byte[12], []));
        Assert.Throws<ArgumentException>(() => gcm.Encrypt(new byte[12], new byte[3], new byte[2], new byte[16], []));
        gcm.Dispose();
        Assert.Throws<ObjectDisposedException>(() => gcm.Encrypt(new byte[12], [], [], new byte[16], []));
    }
}
