using System.Security.Cryptography;
using System.Text;
using Coffer.Server.Crypto;

namespace Coffer.Tests.Crypto;

public class RootKeyTests
{
    private static readonly byte[] KeyBytes = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];
    private static readonly string KeyBase64 = Convert.ToBase64String(KeyBytes);

    [Fact]
    public void RootEncryptionKeyAcceptsBase64Of32BytesAndToleratesSurroundingWhitespace()
    {
        using var key = RootKey.FromRootEncryptionKey(KeyBase64);
        using var padded = RootKey.FromRootEncryptionKey($"  {KeyBase64}\n");
        Assert.Equal(key.KeyId, padded.KeyId);
    }

    [Fact]
    public void KeyIdIsTheFirst8BytesOfHmacOverTheLabelInLowercaseHex()
    {
        using var key = RootKey.FromBytes(KeyBytes);
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(KeyBytes, "coffer-key-id"u8.ToArray())[..8]);
        Assert.Equal(expected, key.KeyId);
        Assert.Matches("^[0-9a-f]{16}$", key.KeyId);
    }

    [Fact]
    public void DifferentKeysHaveDifferentIds()
    {
        using var a = RootKey.Generate();
        using var b = RootKey.Generate();
        Assert.NotEqual(a.KeyId, b.KeyId);
    }

    [Theory]
    [InlineData("not base64 at all!")]
    [InlineData("")]
    [InlineData("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHg==")] // 31 bytes
    [InlineData("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g")] // 33 bytes
    [InlineData("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw==")] // 64 bytes
    [InlineData("000102030405060708090a0b0c0d0e0f")] // hex belongs in ENCRYPTION_KEY, not here
    public void BadRootEncryptionKeyNamesTheVariableAndNeverEchoesTheValue(string value)
    {
        var error = Assert.Throws<KeyConfigurationException>(() => RootKey.FromRootEncryptionKey(value));
        Assert.Equal("ROOT_ENCRYPTION_KEY", error.Variable);
        Assert.Contains("ROOT_ENCRYPTION_KEY", error.Message, StringComparison.Ordinal);
        if (value.Length > 0)
        {
            Assert.DoesNotContain(value, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void EncryptionKeyIsHkdfOfIts16BytesWhateverTheHexCase()
    {
        const string hex = "6c1fe4e407b8911c104518103505b218";
        var raw = Convert.FromHexString(hex);
        var derived = HKDF.DeriveKey(HashAlgorithmName.SHA256, raw, 32, [], "coffer/v1/root-key-from-ENCRYPTION_KEY"u8.ToArray());

        using var fromHex = RootKey.FromEncryptionKey(hex);
        using var fromUpper = RootKey.FromEncryptionKey(hex.ToUpperInvariant());
        using var expected = RootKey.FromBytes(derived);
        Assert.Equal(expected.KeyId, fromHex.KeyId);
        Assert.Equal(expected.KeyId, fromUpper.KeyId);
    }

    [Theory]
    [InlineData("6c1fe4e407b8911c104518103505b21")] // 31 characters
    [InlineData("6c1fe4e407b8911c104518103505b2188")] // 33 characters
    [InlineData("6c1fe4e407b8911c104518103505b21g")] // not hex
    [InlineData("bGVnYWN5LWtleS1ub3QtaGV4LWF0LWFs")] // base64, 32 characters
    public void BadEncryptionKeyNamesTheVariableAndNeverEchoesTheValue(string value)
    {
        var error = Assert.Throws<KeyConfigurationException>(() => RootKey.FromEncryptionKey(value));
        Assert.Equal("ENCRYPTION_KEY", error.Variable);
        Assert.Contains("ENCRYPTION_KEY", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(value, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EnvironmentPrefersRootEncryptionKeyThenEncryptionKeyThenNothing()
    {
        const string legacy = "6c1fe4e407b8911c104518103505b218";
        using var both = RootKey.FromEnvironment(KeyBase64, legacy);
        using var rootOnly = RootKey.FromEnvironment(KeyBase64, null);
        using var legacyOnly = RootKey.FromEnvironment("  ", legacy);
        using var legacyExpected = RootKey.FromEncryptionKey(legacy);

        Assert.Equal(rootOnly!.KeyId, both!.KeyId);
        Assert.Equal(legacyExpected.KeyId, legacyOnly!.KeyId);
        Assert.Null(RootKey.FromEnvironment(null, ""));
    }

    [Fact]
    public void SubkeysAreHkdfExpandOfTheRootPerPurpose()
    {
        using var key = RootKey.FromBytes(KeyBytes);
        var expected = HKDF.Expand(HashAlgorithmName.SHA256, KeyBytes, 32, Encoding.UTF8.GetBytes("coffer/v1/subkey/client-secret-hmac"));

        Assert.Equal(expected, key.DeriveSubkey(KeyPurposes.ClientSecretHmac));
        Assert.Equal(key.DeriveSubkey("a"), key.DeriveSubkey("a"));
        Assert.NotEqual(key.DeriveSubkey("a"), key.DeriveSubkey("b"));
        Assert.NotEqual(KeyBytes, key.DeriveSubkey("a"));
    }

    [Fact]
    public void GeneratedValueIsAValidRootEncryptionKey()
    {
        var value = RootKey.NewRootEncryptionKeyValue();
        Assert.Equal(32, Convert.FromBase64String(value).Length);
        using var key = RootKey.FromRootEncryptionKey(value);
    }

    [Fact]
    public void ToStringShowsOnlyTheKeyId()
    {
        using var key = RootKey.FromBytes(KeyBytes);
        Assert.Equal($"RootKey({key.KeyId})", key.ToString());
    }

    [Fact]
    public void ADisposedKeyRefusesToDerive()
    {
        var key = RootKey.Generate();
        key.Dispose();
        Assert.Throws<ObjectDisposedException>(() => key.DeriveSubkey("x"));
    }

    [Fact]
    public void FromBytesRequiresExactly32Bytes()
    {
        Assert.Throws<ArgumentException>(() => RootKey.FromBytes(new byte[16]));
        Assert.Throws<ArgumentException>(() => RootKey.FromBytes(new byte[33]));
    }
}
