using System.Text.Json.Serialization;

namespace Coffer.Server.Features.AccessTokens;

/// <summary>What every login and renew returns.</summary>
public sealed record LoginResponse(
    string AccessToken,
    long ExpiresIn,
    [property: JsonPropertyName("accessTokenMaxTTL")] long AccessTokenMaxTtl,
    string TokenType);
