using System.Security.Cryptography;
using Coffer.Server.Crypto;

namespace Coffer.Tests.Crypto;

public class PasswordHasherTests
{
    // The production cost is exercised once; the other tests use a cheap count so the suite stays fast.
    private const int Cheap = 1000;

    [Fact]
    public void DefaultHashUses600000IterationsA16ByteSaltAndVerifies()
    {
        var encoded = PasswordHasher.Hash("correct horse battery staple");

        Assert.Matches(@"^pbkdf2-sha256\$600000\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$", encoded);
        Assert.True(PasswordHasher.Verify("correct horse battery staple", encoded));
        Assert.False(PasswordHasher.NeedsRehash(encoded));
    }

    [Fact]
    public void HashIsPbkdf2HmacSha256OfTheUtf8Password()
    {
        var encoded = PasswordHasher.Hash("päss wörd", Cheap);
        var parts = encoded.Split('$');
        var expected = Rfc2898DeriveBytes.Pbkdf2("päss wörd"u8.ToArray(), Convert.FromBase64String(parts[2]), Cheap, HashAlgorithmName.SHA256, 32);

        Assert.Equal(["pbkdf2-sha256", "1000"], parts[..2]);
        Assert.Equal(16, Convert.FromBase64String(parts[2]).Length);
        Assert.Equal(expected, Convert.FromBase64String(parts[3]));
    }

    [Fact]
    public void VerifyRejectsWrongPasswords()
    {
        var encoded = PasswordHasher.Hash("hunter2", Cheap);
        Assert.True(PasswordHasher.Verify("hunter2", encoded));
        Assert.False(PasswordHasher.Verify("hunter3", encoded));
        Assert.False(PasswordHasher.Verify("Hunter2", encoded));
        Assert.False(PasswordHasher.Verify("", encoded));
    }

    [Fact]
    public void EachHashGetsItsOwnSalt()
    {
        Assert.NotEqual(PasswordHasher.Hash("same", Cheap), PasswordHasher.Hash("same", Cheap));
    }

    [Theory]
    [InlineData("")]
    [InlineData("hunter2")]
    [InlineData("bcrypt$10$c2FsdA==$aGFzaA==")]
    [InlineData("pbkdf2-sha256$1000$AAAAAAAAAAAAAAAAAAAAAA==")]
    [InlineData("pbkdf2-sha256$1000$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=$x")]
    [InlineData("pbkdf2-sha256$0$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("pbkdf2-sha256$-5$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("pbkdf2-sha256$abc$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("pbkdf2-sha256$99999999999$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("pbkdf2-sha256$1000$AAAAAAAAAAAAAAAAAAA=$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("pbkdf2-sha256$1000$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("pbkdf2-sha256$1000$not base64!$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("PBKDF2-SHA256$1000$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    public void MalformedEncodingsNeverVerifyAndNeedARehash(string encoded)
    {
        Assert.False(PasswordHasher.Verify("hunter2", encoded));
        Assert.True(PasswordHasher.NeedsRehash(encoded));
    }

    [Fact]
    public void CheaperHashesNeedARehashButStillVerify()
    {
        var encoded = PasswordHasher.Hash("hunter2", Cheap);
        Assert.True(PasswordHasher.Verify("hunter2", encoded));
        Assert.True(PasswordHasher.NeedsRehash(encoded));
    }
}
