using System.Security.Cryptography;
using Coffer.Server.Crypto;

namespace Coffer.Tests.Crypto;

/// <summary>
/// Secrets held for the process's life are zeroed when their owner is disposed (the container disposes its singletons
/// at shutdown): after that the token codec signs with an all-zero key and the client-secret hasher hashes under one.
/// </summary>
public class KeyHygieneTests
{
    [Fact]
    public void A_disposed_token_codec_has_forgotten_its_secret()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
        var codec = JwtCodec.FromAuthSecret("a-test-auth-secret-of-reasonable-length", clock);
        var token = codec.IssueIdentityToken("identity-1", "token-1", null, 3600);
        Assert.True(codec.Verify(token).TryGetIdentityClaims(out var claims));
        Assert.Equal("identity-1", claims.IdentityId);

        codec.Dispose();

        using var zeroKey = new JwtCodec(new byte[Encoding().GetByteCount("a-test-auth-secret-of-reasonable-length")], clock);
        Assert.Equal(zeroKey.IssueIdentityToken("identity-1", "token-1", null, 3600), codec.IssueIdentityToken("identity-1", "token-1", null, 3600));
    }

    [Fact]
    public void A_disposed_secret_hasher_has_forgotten_its_key()
    {
        var hasher = new SecretHasher(RandomNumberGenerator.GetBytes(32));
        var before = hasher.Hash("client-secret");

        hasher.Dispose();

        using var zeroKey = new SecretHasher(new byte[32]);
        Assert.NotEqual(before, hasher.Hash("client-secret"));
        Assert.Equal(zeroKey.Hash("client-secret"), hasher.Hash("client-secret"));
    }

    private static System.Text.Encoding Encoding() => System.Text.Encoding.UTF8;
}
