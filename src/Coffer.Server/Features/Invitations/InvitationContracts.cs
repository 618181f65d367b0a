using System.Text.Json;
using System.Text.Json.Serialization;
using Coffer.Server.Data;

namespace Coffer.Server.Features.Invitations;

/// <summary>A sign-up link for one invited address (Infisical's <c>completeInviteLinks</c> item, given when it sends no email).</summary>
public sealed record InviteLink(string Email, string Link);

public sealed record InviteOrgResponse(string Message,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<InviteLink>? CompleteInviteLinks);

public sealed record ResendInviteResponse(InviteLink? SignupToken);

/// <summary>A user as Infisical's <c>UsersSchema</c> shows it.</summary>
public sealed record UserDto(string Id, string? Email, IReadOnlyList<string> AuthMethods, bool SuperAdmin, string? FirstName, string? LastName,
    bool IsAccepted, bool IsMfaEnabled, IReadOnlyList<string> MfaMethods, object? Devices, DateTime CreatedAt, DateTime UpdatedAt,
    bool IsGhost, string Username, bool IsEmailVerified)
{
    public static UserDto From(InvitedUserRow r) =>
        new(r.Id, r.Email, JsonSerializer.Deserialize<string[]>(r.AuthMethods) ?? [], r.SuperAdmin, r.FirstName, r.LastName, r.IsAccepted,
            IsMfaEnabled: false, MfaMethods: [], Devices: null, UnixMs.ToUtc(r.CreatedAt), UnixMs.ToUtc(r.UpdatedAt), IsGhost: false, r.Username,
            r.IsEmailVerified);
}

public sealed record VerifyInviteResponse(string Message, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Token, UserDto User);

public sealed record CompleteInviteResponse(string Message, UserDto User, string Token);

/// <summary>The short-lived token that lets an invited user complete their account (Infisical's <c>signupToken</c>).</summary>
public sealed record SignupTokenClaims
{
    public const string SignupTokenType = "signupToken";

    [JsonPropertyName("authTokenType")] public string AuthTokenType { get; init; } = SignupTokenType;
    [JsonPropertyName("userId")] public required string UserId { get; init; }
    [JsonPropertyName("iat")] public long Iat { get; init; }
    [JsonPropertyName("exp")] public long Exp { get; init; }
}

[JsonSerializable(typeof(SignupTokenClaims))]
internal sealed partial class InvitationJsonContext : JsonSerializerContext;
