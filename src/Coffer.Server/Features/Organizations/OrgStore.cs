using System.Data.Common;
using Coffer.Server.Data;
using Coffer.Server.Http.Validation;
using Dapper;

namespace Coffer.Server.Features.Organizations;

public sealed class OrgRow
{
    public string Id { get; init; } = "";
    public string Name { get; init; } = "";
    public string Slug { get; init; } = "";
    public bool ShouldUseNewPrivilegeSystem { get; init; }
    public long CreatedAt { get; init; }
    public long UpdatedAt { get; init; }
}

public static class OrgStore
{
    public static async Task<OrgRow> InsertAsync(DbConnection conn, DbTransaction tx, string name, long now)
    {
        var org = new OrgRow
        {
            Id = Ids.New(),
            Name = name,
            Slug = Slugs.WithSuffix(name),
            ShouldUseNewPrivilegeSystem = true,
            CreatedAt = now,
            UpdatedAt = now,
        };
        await conn.ExecuteAsync(
            "INSERT INTO organizations (id, name, slug, should_use_new_privilege_system, created_at, updated_at) " +
            "VALUES (@Id, @Name, @Slug, @ShouldUseNewPrivilegeSystem, @CreatedAt, @UpdatedAt)", org, tx);
        return org;
    }

    public static Task<OrgRow?> FindAsync(DbConnection conn, string id, DbTransaction? tx = null) =>
        conn.QuerySingleOrDefaultAsync<OrgRow>(
            "SELECT id, name, slug, should_use_new_privilege_system, created_at, updated_at FROM organizations WHERE id = @id",
            new { id }, tx);

    /// <summary>The organizations an actor holds an active membership in, oldest first.</summary>
    /// <param name="column"><c>user_id</c> or <c>identity_id</c>.</param>
    public static async Task<IReadOnlyList<OrgRow>> ListForMemberAsync(DbConnection conn, string column, string actorId) =>
        (await conn.QueryAsync<OrgRow>(
            $"""
            SELECT o.id, o.name, o.slug, o.should_use_new_privilege_system, o.created_at, o.updated_at
            FROM organizations o JOIN org_memberships m ON m.org_id = o.id
            WHERE m.{column} = @actorId AND m.is_active = TRUE
            ORDER BY o.created_at, o.id
            """, new { actorId })).AsList();

    /// <summary>A membership's status: <see cref="Invited"/> until the person follows their invitation.</summary>
    public const string Accepted = "accepted";
    public const string Invited = "invited";

    /// <param name="status"><see cref="Accepted"/>, or <see cref="Invited"/> for a person who has not followed their invitation yet.</param>
    public static Task InsertMembershipAsync(DbConnection conn, DbTransaction tx, string orgId, string? userId, string? identityId,
        string role, string? roleId, long now, string status = Accepted) =>
        conn.ExecuteAsync(
            """
            INSERT INTO org_memberships (id, org_id, actor_type, user_id, identity_id, role, role_id, is_active, status, created_at, updated_at)
            VALUES (@Id, @orgId, @actorType, @userId, @identityId, @role, @roleId, TRUE, @status, @now, @now)
            """,
            new
            {
                Id = Ids.New(),
                orgId,
                actorType = userId is null ? "identity" : "user",
                userId,
                identityId,
                role,
                roleId,
                status,
                now,
            }, tx);

    /// <summary>Records an identity's login on its organization membership; returns the organization.</summary>
    public static Task<string?> RecordIdentityLoginAsync(DbConnection conn, DbTransaction tx, string identityId, string method, long now) =>
        conn.ExecuteScalarAsync<string?>(
            "UPDATE org_memberships SET last_login_auth_method = @method, last_login_time = @now WHERE identity_id = @identityId RETURNING org_id",
            new { method, now, identityId }, tx);
}
