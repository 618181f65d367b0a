using System.Security.Cryptography;
using System.Text;
using Coffer.Server.Crypto;

namespace Coffer.Tests.Crypto;

public class SecretHasherTests
{
    [Fact]
    public void HashIsLowercaseHexHmacSha256UnderTheClientSecretSubkey()
    {
        using var root = RootKey.Generate();
        var hasher = new SecretHasher(root);
        var secret = RandomSecrets.ClientSecret();

        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(root.DeriveSubkey("client-secret-hmac"), Encoding.UTF8.GetBytes(secret)));
        var hash = hasher.Hash(secret);

        Assert.Equal(expected, hash);
        Assert.Matches("^[0-9a-f]{64}$", hash);
        Assert.Equal(hash, hasher.Hash(secret));
    }

    [Fact]
    public void VerifyAcceptsTheSecretAndRejectsOthers()
    {
        var hasher = new SecretHasher(RandomNumberGenerator.GetBytes(32));
        var secret = RandomSecrets.ClientSecret();
        var hash = hasher.Hash(secret);

        Assert.True(hasher.Verify(secret, hash));
        Assert.True(hasher.Verify(secret, hash.ToUpperInvariant()));
        Assert.False(hasher.Verify(RandomSecrets.ClientSecret(), hash));
        Assert.False(hasher.Verify(secret.AsSpan(0, secret.Length - 1), hash));
        Assert.False(hasher.Verify("", hash));
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("zz00000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("00000000000000000000000000000000000000000000000000000000000000000")]
    public void VerifyNeverMatchesAMalformedStoredHash(string stored)
    {
        var hasher = new SecretHasher(RandomNumberGenerator.GetBytes(32));
        Assert.False(hasher.Verify("anything", stored));
    }

    [Fact]
    public void AnotherServerKeyGivesAnotherHash()
    {
        using var a = RootKey.Generate();
        using var b = RootKey.Generate();
        Assert.NotEqual(new SecretHasher(a).Hash("same"), new SecretHasher(b).Hash("same"));
    }

    [Fact]
    public void LongSecretsHashToo()
    {
        var hasher = new SecretHasher(RandomNumberGenerator.GetBytes(32));
        var secret = new string('a', 5000);
        Assert.True(hasher.Verify(secret, hasher.Hash(secret)));
    }

    [Fact]
    public void ShortKeysAreRefused() =>
        Assert.Throws<ArgumentException>(() => new SecretHasher(new byte[16]));

    [Fact]
    public void ClientSecretsAre64LowercaseHexCharactersAndUnique()
    {
        var secrets = Enumerable.Range(0, 100).Select(_ => RandomSecrets.ClientSecret()).ToList();
        Assert.All(secrets, s => Assert.Matches("^[0-9a-f]{64}$", s));
        Assert.Equal(secrets.Count, secrets.Distinct().Count());
        Assert.Matches("^[0-9a-f]{64}$", RandomSecrets.Hex(32));
        Assert.Matches("^[0-9a-f]{8}$", RandomSecrets.Hex(4));
        Assert.Throws<ArgumentOutOfRangeException>(() => RandomSecrets.Hex(0));
    }

    [Fact]
    public void PrefixKeepsTheFirstFourCharactersAndNeverTheWholeSecret()
    {
        Assert.Equal("ab12", RandomSecrets.Prefix("ab12cd34"));
        Assert.Equal("ab", RandomSecrets.Prefix("ab12cd34", 2));
        Assert.Throws<ArgumentException>(() => RandomSecrets.Prefix("ab12"));
    }
}
