using System.Security.Cryptography;
using System.Text;
using Coffer.Server.Crypto;

namespace Coffer.Tests.Crypto;

public class AeadTests
{
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);
    private static readonly byte[] Aad = AssociatedData.Create("secret", "project-1", "value");

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(1000)]
    [InlineData(100_000)]
    public void RoundTripsBytes(int length)
    {
        var plaintext = RandomNumberGenerator.GetBytes(length);
        var sealedData = Aead.Seal(Key, plaintext, Aad);

        Assert.Equal(length + Aead.Overhead, sealedData.Length);
        Assert.Equal(plaintext, Aead.Open(Key, sealedData, Aad));
    }

    [Theory]
    [InlineData("")]
    [InlineData("postgres://user:pa55@db/infisical")]
    [InlineData("unicode: päss 🔑 密码")]
    public void RoundTripsStringsAsUtf8(string plaintext)
    {
        var sealedData = Aead.Seal(Key, plaintext, Aad);
        Assert.Equal(Encoding.UTF8.GetByteCount(plaintext) + Aead.Overhead, sealedData.Length);
        Assert.Equal(plaintext, Aead.OpenString(Key, sealedData, Aad));
    }

    [Fact]
    public void RoundTripsLongStringsAndLongAssociatedData()
    {
        var plaintext = new string('x', 5000);
        var aad = RandomNumberGenerator.GetBytes(4000);
        Assert.Equal(plaintext, Aead.OpenString(Key, Aead.Seal(Key, plaintext, aad), aad));
    }

    [Fact]
    public void BlobIsVersionThenNonceThenCiphertextThenTag()
    {
        var plaintext = "hello"u8.ToArray();
        var sealedData = Aead.Seal(Key, plaintext, Aad);
        Assert.Equal(1, sealedData[0]);

        // Decrypt independently with the BCL to pin the layout and the versioned associated data.
        using var gcm = new AesGcm(Key, 16);
        var decrypted = new byte[plaintext.Length];
        gcm.Decrypt(sealedData.AsSpan(1, 12), sealedData.AsSpan(13, plaintext.Length), sealedData.AsSpan(13 + plaintext.Length), decrypted, [1, .. Aad]);
        Assert.Equal(plaintext, decrypted);
    }

    [Fact]
    public void EverySealUsesAFreshNonce()
    {
        var a = Aead.Seal(Key, "same"u8, Aad);
        var b = Aead.Seal(Key, "same"u8, Aad);
        Assert.NotEqual(a.AsSpan(1, 12).ToArray(), b.AsSpan(1, 12).ToArray());
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void FlippingAnyBitOfNonceCiphertextOrTagFails()
    {
        var sealedData = Aead.Seal(Key, "top secret"u8, Aad);
        for (var i = 1; i < sealedData.Length; i++)
        {
            for (var bit = 0; bit < 8; bit++)
            {
                var tampered = (byte[])sealedData.Clone();
                tampered[i] ^= (byte)(1 << bit);
                Assert.Throws<DecryptionFailedException>(() => Aead.Open(Key, tampered, Aad));
            }
        }
    }

    [Fact]
    public void ChangingTheVersionByteFails()
    {
        var sealedData = Aead.Seal(Key, "top secret"u8, Aad);
        sealedData[0] = 2;
        var error = Assert.Throws<DecryptionFailedException>(() => Aead.Open(Key, sealedData, Aad));
        Assert.Contains("version 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DifferentAssociatedDataFails()
    {
        var sealedData = Aead.Seal(Key, "top secret"u8, Aad);
        Assert.Throws<DecryptionFailedException>(() => Aead.Open(Key, sealedData, AssociatedData.Create("secret", "project-2", "value")));
        Assert.Throws<DecryptionFailedException>(() => Aead.Open(Key, sealedData, AssociatedData.Create("secret", "project-1", "comment")));
        Assert.Throws<DecryptionFailedException>(() => Aead.Open(Key, sealedData, []));

        var flipped = (byte[])Aad.Clone();
        flipped[^1] ^= 1;
        Assert.Throws<DecryptionFailedException>(() => Aead.Open(Key, sealedData, flipped));
    }

    [Fact]
    public void WrongKeyFails()
    {
        var sealedData = Aead.Seal(Key, "top secret"u8, Aad);
        Assert.Throws<DecryptionFailedException>(() => Aead.Open(RandomNumberGenerator.GetBytes(32), sealedData, Aad));
    }

    [Fact]
    public void TruncationFails()
    {
        var sealedData = Aead.Seal(Key, "top secret"u8, Aad);
        Assert.Throws<DecryptionFailedException>(() => Aead.Open(Key, sealedData.AsSpan(0, sealedData.Length - 1), Aad));
        Assert.Throws<DecryptionFailedException>(() => Aead.Open(Key, sealedData.AsSpan(0, Aead.Overhead - 1), Aad));
        Assert.Throws<DecryptionFailedException>(() => Aead.Open(Key, [], Aad));
    }

    [Fact]
    public void AFailedOpenLeavesNoPlaintextInTheDestination()
    {
        var sealedData = Aead.Seal(Key, "top secret"u8, Aad);
        sealedData[^1] ^= 1;
        var destination = Enumerable.Repeat((byte)0xAA, 10).ToArray();
        Assert.Throws<DecryptionFailedException>(() => Aead.Open(Key, sealedData, Aad, destination));
        Assert.All(destination, b => Assert.Equal(0, b));
    }

    [Fact]
    public void FailureMessagesRevealNothingAboutKeyOrData()
    {
        var sealedData = Aead.Seal(Key, "top secret"u8, Aad);
        sealedData[20] ^= 1;
        var error = Assert.Throws<DecryptionFailedException>(() => Aead.OpenString(Key, sealedData, Aad));
        Assert.DoesNotContain("top secret", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexString(Key), error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.IsAssignableFrom<CryptographicException>(error);
    }

    [Fact]
    public void SpanApiSealsIntoACallerBuffer()
    {
        var plaintext = "span"u8;
        Span<byte> sealedData = stackalloc byte[Aead.GetSealedLength(plaintext.Length)];
        Aead.Seal(Key, plaintext, Aad, sealedData);
        Span<byte> opened = stackalloc byte[Aead.GetPlaintextLength(sealedData.Length)];
        Assert.Equal(plaintext.Length, Aead.Open(Key, sealedData, Aad, opened));
        Assert.True(opened.SequenceEqual(plaintext));
    }

    [Fact]
    public void RejectsBadKeysAndBadBuffers()
    {
        Assert.Throws<ArgumentException>(() => Aead.Seal(new byte[16], "x"u8, Aad));
        Assert.Throws<ArgumentException>(() => Aead.Open(new byte[31], new byte[40], Aad));
        Assert.Throws<ArgumentException>(() => Aead.Seal(Key, "x"u8, Aad, new byte[10]));
        var buffer = new byte[64];
        Assert.Throws<ArgumentException>(() => Aead.Seal(Key, buffer.AsSpan(0, 35), Aad, buffer.AsSpan(0, 35 + Aead.Overhead)));
    }

    [Fact]
    public void AssociatedDataPartsAreLengthPrefixed()
    {
        Assert.NotEqual(AssociatedData.Create("ab", "c"), AssociatedData.Create("a", "bc"));
        Assert.NotEqual(AssociatedData.Create("a", ""), AssociatedData.Create("a"));
        Assert.Equal(new byte[] { 0, 0, 0, 2, (byte)'i', (byte)'d', 0, 0, 0, 0 }, AssociatedData.Create("id", ""));
    }
}
