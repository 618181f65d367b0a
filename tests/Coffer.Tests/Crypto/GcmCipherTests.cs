using System.Security.Cryptography;
using Coffer.Server.Crypto;

namespace Coffer.Tests.Crypto;

/// <summary>
/// Both vetted AES-256-GCMs — libsodium through NSec and the platform's (OpenSSL) — are the GCM of the specification
/// to the byte, so data sealed by either (or by the earlier hand-written code, see StoredFormatFixtureTests) opens
/// with the other, and CRYPTO_PROVIDER can change without a migration.
/// </summary>
public class GcmCipherTests
{
    private static readonly int[] Lengths = [0, 1, 15, 16, 17, 31, 32, 33, 40, 63, 64, 65, 255, 256, 1000, 4099];

    public static TheoryData<string> Providers() => ["libsodium", "openssl"];

    private static IGcmCipher Create(string provider, ReadOnlySpan<byte> key)
    {
        if (provider == "openssl") return new PlatformGcm(key);
        Assert.SkipUnless(SodiumGcm.IsSupported, "libsodium offers AES-256-GCM only on CPUs with AES-NI and CLMUL.");
        return new SodiumGcm(key);
    }

    // The GCM specification's AES-256 test cases 13, 14 and 16 (McGrew and Viega), which NIST's validation reuses.
    public static TheoryData<string, string, string, string, string, string> Vectors() => new()
    {
        { "0000000000000000000000000000000000000000000000000000000000000000", "000000000000000000000000", "", "", "", "530f8afbc74536b9a963b4f1c4cb738b" },
        {
            "0000000000000000000000000000000000000000000000000000000000000000", "000000000000000000000000", "00000000000000000000000000000000", "",
            "cea7403d4d606b6e074ec5d3baf39d18", "d0d1c8a799996bf0265b98b5d48ab919"
        },
        {
            "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308", "cafebabefacedbaddecaf888",
            "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
            "feedfacedeadbeeffeedfacedeadbeefabaddad2",
            "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
            "76fc6ece0f4e1768cddf8853bb2d551b"
        },
    };

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Both_providers_give_the_specifications_answers(string key, string nonce, string plaintext, string aad, string ciphertext, string tag)
    {
        foreach (var provider in new[] { "openssl", "libsodium" })
        {
            if (provider == "libsodium" && !SodiumGcm.IsSupported) continue;
            using var gcm = Create(provider, Convert.FromHexString(key));
            var p = Convert.FromHexString(plaintext);
            var sealedData = new byte[p.Length + Aead.TagSize];
            gcm.Encrypt(Convert.FromHexString(nonce), p, sealedData, Convert.FromHexString(aad));
            Assert.Equal(ciphertext + tag, Convert.ToHexStringLower(sealedData));

            var opened = new byte[p.Length];
            Assert.True(gcm.TryDecrypt(Convert.FromHexString(nonce), sealedData, opened, Convert.FromHexString(aad)));
            Assert.Equal(p, opened);
        }
    }

    [Fact]
    public void What_one_provider_seals_the_other_opens_for_every_length()
    {
        Assert.SkipUnless(SodiumGcm.IsSupported, "libsodium offers AES-256-GCM only on CPUs with AES-NI and CLMUL.");
        var key = RandomNumberGenerator.GetBytes(32);
        using var sodium = new SodiumGcm(key);
        using var platform = new PlatformGcm(key);
        foreach (var length in Lengths)
        {
            var nonce = RandomNumberGenerator.GetBytes(12);
            var plaintext = RandomNumberGenerator.GetBytes(length);
            var aad = RandomNumberGenerator.GetBytes(length % 40);
            var bySodium = new byte[length + Aead.TagSize];
            var byPlatform = new byte[length + Aead.TagSize];
            sodium.Encrypt(nonce, plaintext, bySodium, aad);
            platform.Encrypt(nonce, plaintext, byPlatform, aad);
            Assert.Equal(byPlatform, bySodium);

            var opened = new byte[length];
            Assert.True(platform.TryDecrypt(nonce, bySodium, opened, aad));
            Assert.Equal(plaintext, opened);
            Assert.True(sodium.TryDecrypt(nonce, byPlatform, opened, aad));
            Assert.Equal(plaintext, opened);
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void Every_flipped_bit_is_refused_and_the_output_cleared(string provider)
    {
        using var gcm = Create(provider, RandomNumberGenerator.GetBytes(32));
        var nonce = RandomNumberGenerator.GetBytes(12);
        var plaintext = RandomNumberGenerator.GetBytes(33);
        var sealedData = new byte[33 + Aead.TagSize];
        gcm.Encrypt(nonce, plaintext, sealedData, "aad"u8);

        var opened = new byte[33];
        for (var bit = 0; bit < sealedData.Length * 8; bit++)
        {
            sealedData[bit / 8] ^= (byte)(1 << (bit % 8));
            opened.AsSpan().Fill(0xAA);
            Assert.False(gcm.TryDecrypt(nonce, sealedData, opened, "aad"u8), $"bit {bit}");
            Assert.All(opened, b => Assert.Equal(0, b));
            sealedData[bit / 8] ^= (byte)(1 << (bit % 8));
        }
        Assert.False(gcm.TryDecrypt(nonce, sealedData, opened, "aaD"u8));
        Assert.True(gcm.TryDecrypt(nonce, sealedData, opened, "aad"u8));
    }

    [Fact]
    public void The_start_up_self_test_passes_on_the_cipher_in_use() => Assert.Null(GcmSelfTest.Failure());

    [Fact]
    public void A_disposed_sodium_key_fails_loudly_instead_of_sealing_under_a_zeroed_key()
    {
        Assert.SkipUnless(SodiumGcm.IsSupported, "libsodium offers AES-256-GCM only on CPUs with AES-NI and CLMUL.");
        var gcm = new SodiumGcm(RandomNumberGenerator.GetBytes(32));
        gcm.Dispose();
        Assert.Throws<ObjectDisposedException>(() => gcm.Encrypt(new byte[12], [1, 2, 3], new byte[3 + Aead.TagSize], []));
    }
}
