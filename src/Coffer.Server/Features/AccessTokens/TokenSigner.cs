using Coffer.Server.Configuration;
using Coffer.Server.Crypto;

namespace Coffer.Server.Features.AccessTokens;

/// <summary>The claims of an identity access token that the server relies on.</summary>
public sealed record IdentityClaims(string IdentityId, string TokenId, string? ClientSecretId);

/// <summary>Signs and verifies identity access tokens (HS256 under AUTH_SECRET, Infisical's claims).</summary>
public sealed class TokenSigner(CofferOptions options, TimeProvider time) : IDisposable
{
    private readonly JwtCodec _codec = new(options.AuthSecret, time);

    public string Sign(string identityId, string tokenId, string? clientSecretId, long ttlSeconds)
    {
        Data.WriteUnit.ThrowIfInside("Signing a token");
        return _codec.IssueIdentityToken(identityId, tokenId, clientSecretId, ttlSeconds);
    }

    /// <summary>Verifies signature and expiry of an identity access token; anything wrong is a <see cref="TokenException"/>.</summary>
    public IdentityClaims Verify(string token) => IdentityClaimsOf(VerifyAny(token));

    /// <summary>Verifies signature, algorithm and expiry of any Coffer-issued token; the caller decides by its type.</summary>
    public VerifiedJwt VerifyAny(string token) => _codec.Verify(token);

    /// <inheritdoc cref="VerifyAny(string)"/>
    public VerifiedJwt VerifyAny(ReadOnlySpan<char> token) => _codec.Verify(token);

    public static IdentityClaims IdentityClaimsOf(VerifiedJwt verified) =>
        verified.TryGetIdentityClaims(out var claims)
            ? new IdentityClaims(claims.IdentityId, claims.IdentityAccessTokenId, claims.ClientSecretId)
            : throw new TokenException(JwtErrors.Malformed);

    public string Sign<T>(T payload, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo)
    {
        Data.WriteUnit.ThrowIfInside("Signing a token");
        return _codec.Sign(payload, typeInfo);
    }

    public long NowUnixSeconds() => _codec.NowUnixSeconds();

    public void Dispose() => _codec.Dispose();
}
