namespace Coffer.Server.Features.OrgAdmin;

public sealed record RecoveredMembershipEnvelope(RecoveredMembership Membership);

public sealed record RecoveredMembership(string Id, string ProjectId, string? IdentityId, string? UserId, DateTime CreatedAt, DateTime UpdatedAt);
