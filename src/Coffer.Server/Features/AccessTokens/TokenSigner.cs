using Coffer.Server.Crypto;
using Coffer.Server.Hosting;

namespace Coffer.Server.Features.AccessTokens;

/// <summary>The claims of an identity access token that the server relies on.</summary>
public sealed record IdentityClaims(string IdentityId, string TokenId, string? ClientSecretId);

/// <summary>Signs and verifies identity access tokens (HS256 under AUTH_SECRET, Infisical's claims).</summary>
public sealed class TokenSigner(CofferOptions options, TimeProvider time)
{
    public string Sign(string identityId, string tokenId, string? clientSecretId, long ttlSeconds) =>
        JwtCodec.Sign(new IdentityTokenClaims
        {
            IdentityId = identityId,
            IdentityAccessTokenId = tokenId,
            ClientSecretId = clientSecretId,
            AuthTokenType = "identityAccessToken",
        }, ttlSeconds, options.AuthSecret, time);

    /// <summary>Verifies signature and expiry; anything wrong is a <see cref="Http.TokenException"/>.</summary>
    public IdentityClaims Verify(string token)
    {
        var claims = JwtCodec.Verify(token, options.AuthSecret, time);
        if (claims.AuthTokenType != "identityAccessToken" || string.IsNullOrEmpty(claims.IdentityId) || string.IsNullOrEmpty(claims.IdentityAccessTokenId))
            throw new Http.TokenException("The provided access token is malformed. Please use a valid token or generate a new one and try again.");
        return new IdentityClaims(claims.IdentityId, claims.IdentityAccessTokenId, claims.ClientSecretId);
    }
}
