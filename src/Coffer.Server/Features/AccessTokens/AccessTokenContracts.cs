using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Coffer.Server.Http.Validation;

namespace Coffer.Server.Features.AccessTokens;

/// <summary>What every login and renew returns.</summary>
public sealed record LoginResponse(
    string AccessToken,
    long ExpiresIn,
    [property: JsonPropertyName("accessTokenMaxTTL")] long AccessTokenMaxTtl,
    string TokenType);

/// <summary>Token-lifetime and trusted-IP settings shared by universal-auth and token-auth bodies.</summary>
public sealed record TokenSettings(
    long? AccessTokenTtl,
    long? AccessTokenMaxTtl,
    long? AccessTokenNumUsesLimit,
    long? AccessTokenPeriod,
    JsonArray? AccessTokenTrustedIps)
{
    public const long DefaultTtl = 2_592_000;
    public const long MaxAllowedTtl = 315_360_000;

    /// <summary>Reads the settings; on attach every field has Infisical's default, on update absent means unchanged.</summary>
    public static TokenSettings Read(Input body, bool withDefaults)
    {
        var ttl = body.Integer("accessTokenTTL", min: 0, max: MaxAllowedTtl, fallback: withDefaults ? DefaultTtl : null);
        var maxTtl = body.Integer("accessTokenMaxTTL", min: 0, max: MaxAllowedTtl, fallback: withDefaults ? DefaultTtl : null);
        var uses = body.Integer("accessTokenNumUsesLimit", min: 0, fallback: withDefaults ? 0 : null);
        var period = body.Integer("accessTokenPeriod", min: 0, fallback: withDefaults ? 0 : null);
        var ips = TrustedIps.ReadRaw(body, "accessTokenTrustedIps");
        return new TokenSettings(ttl, maxTtl, uses, period, ips);
    }

    /// <summary>Infisical's object refinement, checked once the fields themselves are valid.</summary>
    public void RefineTtl(Input body)
    {
        if (body.IsValid && AccessTokenTtl is { } ttl && AccessTokenMaxTtl is { } max && ttl > max)
            body.Fail("Access Token TTL cannot be greater than Access Token Max TTL.");
    }

    /// <summary>A body holding only token settings (token auth's), read and checked whole.</summary>
    public static TokenSettings ReadValid(Input body, bool withDefaults)
    {
        var settings = Read(body, withDefaults);
        settings.RefineTtl(body);
        body.ThrowIfInvalid();
        return settings;
    }
}
