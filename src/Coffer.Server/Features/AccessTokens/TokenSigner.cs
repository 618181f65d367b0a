using Coffer.Server.Crypto;
using Coffer.Server.Hosting;
using Coffer.Server.Http;

namespace Coffer.Server.Features.AccessTokens;

/// <summary>The claims of an identity access token that the server relies on.</summary>
public sealed record IdentityClaims(string IdentityId, string TokenId, string? ClientSecretId);

/// <summary>Signs and verifies identity access tokens (HS256 under AUTH_SECRET, Infisical's claims).</summary>
public sealed class TokenSigner(CofferOptions options, TimeProvider time)
{
    private readonly JwtCodec _codec = new(options.AuthSecret, time);

    public string Sign(string identityId, string tokenId, string? clientSecretId, long ttlSeconds) =>
        _codec.IssueIdentityToken(identityId, tokenId, clientSecretId, ttlSeconds);

    /// <summary>Verifies signature and expiry; anything wrong is a <see cref="TokenException"/>.</summary>
    public IdentityClaims Verify(string token)
    {
        var verified = _codec.Verify(token);
        if (!verified.TryGetIdentityClaims(out var claims))
            throw new TokenException(JwtErrors.Malformed);
        return new IdentityClaims(claims.IdentityId, claims.IdentityAccessTokenId, claims.ClientSecretId);
    }
}
