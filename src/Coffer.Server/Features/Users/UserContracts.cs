using System.Text.Json.Serialization;

namespace Coffer.Server.Features.Users;

/// <summary>
/// A user access token as Infisical signs it: <c>{authMethod, authTokenType:"accessToken", userId, tokenVersionId,
/// accessVersion, organizationId?, iat, exp}</c>. <c>organizationId</c> is added by select-organization.
/// </summary>
public sealed record UserTokenClaims
{
    public const string AccessTokenType = "accessToken";

    /// <summary>Coffer's console cookie: a session token the API refuses as a bearer token.</summary>
    public const string ConsoleSessionType = "consoleSession";

    [JsonPropertyName("authMethod")] public string AuthMethod { get; init; } = "email";
    [JsonPropertyName("authTokenType")] public string AuthTokenType { get; init; } = AccessTokenType;
    [JsonPropertyName("userId")] public required string UserId { get; init; }
    [JsonPropertyName("tokenVersionId")] public required string TokenVersionId { get; init; }
    [JsonPropertyName("accessVersion")] public long AccessVersion { get; init; } = 1;
    [JsonPropertyName("organizationId")] public string? OrganizationId { get; init; }
    [JsonPropertyName("iat")] public long Iat { get; init; }
    [JsonPropertyName("exp")] public long? Exp { get; init; }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(UserTokenClaims))]
internal sealed partial class UserJsonContext : JsonSerializerContext;
