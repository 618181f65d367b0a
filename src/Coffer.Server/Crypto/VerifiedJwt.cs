using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Coffer.Server.Crypto;

/// <summary>
/// A token whose signature, algorithm and time claims <see cref="JwtCodec.Verify(ReadOnlySpan{char})"/> has checked.
/// Which token types a route accepts is the caller's decision (spec §2.3: another <c>authTokenType</c> reads as
/// "Token missing" on most routes, but as "Only identity access tokens can be renewed" on renew), so the type is
/// exposed rather than enforced here.
/// </summary>
public sealed class VerifiedJwt
{
    private readonly byte[] _payload;

    internal VerifiedJwt(byte[] payload, string? authTokenType, double? issuedAt, double? expiresAt)
    {
        _payload = payload;
        AuthTokenType = authTokenType;
        IssuedAt = issuedAt;
        ExpiresAt = expiresAt;
    }

    /// <summary>The <c>authTokenType</c> claim, or null when absent or not a string.</summary>
    public string? AuthTokenType { get; }

    /// <summary>The <c>iat</c> claim in Unix seconds, when present and numeric.</summary>
    public double? IssuedAt { get; }

    /// <summary>The <c>exp</c> claim in Unix seconds; null for a token that never expires.</summary>
    public double? ExpiresAt { get; }

    public bool IsIdentityAccessToken => AuthTokenType == IdentityTokenClaims.IdentityAccessTokenType;

    /// <summary>The decoded payload JSON.</summary>
    public ReadOnlySpan<byte> PayloadJson => _payload;

    /// <summary>Reads the payload as <typeparamref name="T"/>; a payload that does not fit is a malformed token.</summary>
    public T Deserialize<T>(JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        try
        {
            return JsonSerializer.Deserialize(_payload, typeInfo) ?? throw new TokenException(JwtErrors.Malformed);
        }
        catch (JsonException)
        {
            throw new TokenException(JwtErrors.Malformed);
        }
    }

    /// <summary>
    /// The identity claims when this is an identity access token; false for any other token type. An identity token
    /// missing <c>identityId</c> or <c>identityAccessTokenId</c> throws <see cref="TokenException"/> (malformed).
    /// </summary>
    public bool TryGetIdentityClaims([NotNullWhen(true)] out IdentityTokenClaims? claims)
    {
        if (!IsIdentityAccessToken)
        {
            claims = null;
            return false;
        }

        claims = Deserialize(CryptoJsonContext.Default.IdentityTokenClaims);
        return true;
    }
}
