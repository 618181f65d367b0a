using System.Text.Json.Serialization;

namespace Coffer.Server.Crypto;

/// <summary>
/// The payload of a machine-identity access token, as Infisical signs it (spec §3):
/// <c>{identityId, clientSecretId?, identityAccessTokenId, authTokenType:"identityAccessToken", subOrganizationId?, iat, exp?}</c>.
/// <c>exp</c> is absent for a token with TTL 0, and <c>clientSecretId</c> only appears for universal auth.
/// </summary>
public sealed record IdentityTokenClaims
{
    public const string IdentityAccessTokenType = "identityAccessToken";

    [JsonPropertyName("identityId")]
    [JsonPropertyOrder(0)]
    public required string IdentityId { get; init; }

    [JsonPropertyName("clientSecretId")]
    [JsonPropertyOrder(1)]
    public string? ClientSecretId { get; init; }

    [JsonPropertyName("identityAccessTokenId")]
    [JsonPropertyOrder(2)]
    public required string IdentityAccessTokenId { get; init; }

    [JsonPropertyName("authTokenType")]
    [JsonPropertyOrder(3)]
    public string AuthTokenType { get; init; } = IdentityAccessTokenType;

    [JsonPropertyName("subOrganizationId")]
    [JsonPropertyOrder(4)]
    public string? SubOrganizationId { get; init; }

    /// <summary>Issued-at, in Unix seconds.</summary>
    [JsonPropertyName("iat")]
    [JsonPropertyOrder(5)]
    public long Iat { get; init; }

    /// <summary>Expiry in Unix seconds; null (and absent from the JSON) when the token never expires.</summary>
    [JsonPropertyName("exp")]
    [JsonPropertyOrder(6)]
    public long? Exp { get; init; }
}
