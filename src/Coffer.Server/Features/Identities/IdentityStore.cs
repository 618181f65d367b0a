using System.Data.Common;
using Coffer.Server.Data;
using Dapper;

namespace Coffer.Server.Features.Identities;

public static class IdentityStore
{
    private const string Columns = "id, org_id, name, auth_method, has_delete_protection, project_id, created_at, updated_at";

    private const string MembershipSelect =
        """
        SELECT m.id, m.org_id, m.identity_id, m.role, m.role_id, m.last_login_auth_method, m.last_login_time,
               m.created_at, m.updated_at, i.name AS identity_name, i.has_delete_protection, i.project_id
        FROM org_memberships m JOIN identities i ON i.id = m.identity_id
        """;

    public static Task InsertAsync(DbConnection conn, DbTransaction tx, IdentityRow row) =>
        conn.ExecuteAsync(
            $"INSERT INTO identities ({Columns}) VALUES (@Id, @OrgId, @Name, @AuthMethod, @HasDeleteProtection, @ProjectId, @CreatedAt, @UpdatedAt)",
            row, tx);

    public static Task<IdentityRow?> FindAsync(DbConnection conn, string id, DbTransaction? tx = null) =>
        conn.QuerySingleOrDefaultAsync<IdentityRow>($"SELECT {Columns} FROM identities WHERE id = @id", new { id }, tx);

    /// <summary>Finds an identity only if it belongs to <paramref name="orgId"/>: other orgs' identities do not exist for the caller.</summary>
    public static async Task<IdentityRow?> FindInOrgAsync(DbConnection conn, string id, string orgId, DbTransaction? tx = null)
    {
        var row = await FindAsync(conn, id, tx);
        return row is not null && row.OrgId == orgId ? row : null;
    }

    public static Task<IdentityOrgMembershipRow?> FindMembershipAsync(DbConnection conn, string identityId, DbTransaction? tx = null) =>
        conn.QuerySingleOrDefaultAsync<IdentityOrgMembershipRow>(
            $"{MembershipSelect} WHERE m.identity_id = @identityId AND m.org_id = i.org_id", new { identityId }, tx);

    public static async Task<(IReadOnlyList<IdentityOrgMembershipRow> Rows, long Total)> ListMembershipsAsync(
        DbConnection conn, string orgId, int offset, int limit, string? search, bool descending)
    {
        var filter = "m.org_id = @orgId AND m.identity_id IS NOT NULL AND i.project_id IS NULL";
        if (!string.IsNullOrEmpty(search)) filter += " AND lower(i.name) LIKE @pattern ESCAPE '\\'";
        var args = new { orgId, offset, limit, pattern = $"%{SqlText.EscapeLike(search ?? "").ToLowerInvariant()}%" };
        var rows = await conn.QueryAsync<IdentityOrgMembershipRow>(
            $"{MembershipSelect} WHERE {filter} ORDER BY i.name {(descending ? "DESC" : "ASC")}, i.id LIMIT @limit OFFSET @offset", args);
        var total = await conn.ExecuteScalarAsync<long>(
            $"SELECT COUNT(*) FROM org_memberships m JOIN identities i ON i.id = m.identity_id WHERE {filter}", args);
        return (rows.AsList(), total);
    }

    public static Task<int> UpdateAsync(DbConnection conn, DbTransaction tx, string id, string name, bool hasDeleteProtection, long now) =>
        conn.ExecuteAsync(
            "UPDATE identities SET name = @name, has_delete_protection = @hasDeleteProtection, updated_at = @now WHERE id = @id",
            new { id, name, hasDeleteProtection, now }, tx);

    public static Task<int> UpdateOrgRoleAsync(DbConnection conn, DbTransaction tx, string identityId, string orgId, string role, string? roleId, long now) =>
        conn.ExecuteAsync(
            "UPDATE org_memberships SET role = @role, role_id = @roleId, updated_at = @now WHERE identity_id = @identityId AND org_id = @orgId",
            new { identityId, orgId, role, roleId, now }, tx);

    /// <summary>A project-scoped identity, only in its own project: any other identity does not exist here.</summary>
    public static Task<IdentityRow?> FindInProjectAsync(DbConnection conn, string id, string projectId, DbTransaction? tx = null) =>
        conn.QuerySingleOrDefaultAsync<IdentityRow>($"SELECT {Columns} FROM identities WHERE id = @id AND project_id = @projectId",
            new { id, projectId }, tx);

    /// <summary>The project's own identities by name, a page of them and how many match.</summary>
    public static async Task<(IReadOnlyList<IdentityRow> Rows, long Total)> ListInProjectAsync(DbConnection conn, string projectId, int offset,
        int limit, string? search)
    {
        var filter = "project_id = @projectId";
        if (!string.IsNullOrEmpty(search)) filter += " AND lower(name) LIKE @pattern ESCAPE '\\'";
        var args = new { projectId, offset, limit, pattern = $"%{SqlText.EscapeLike(search ?? "").ToLowerInvariant()}%" };
        var rows = await conn.QueryAsync<IdentityRow>($"SELECT {Columns} FROM identities WHERE {filter} ORDER BY name, id LIMIT @limit OFFSET @offset", args);
        var total = await conn.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM identities WHERE {filter}", args);
        return (rows.AsList(), total);
    }

    /// <summary>A project's own identities go with it (the column has no foreign key, so this is explicit).</summary>
    public static Task<int> DeleteProjectScopedAsync(DbConnection conn, DbTransaction tx, string projectId) =>
        conn.ExecuteAsync("DELETE FROM identities WHERE project_id = @projectId", new { projectId }, tx);

    public static Task<int> DeleteAsync(DbConnection conn, DbTransaction tx, string id) =>
        conn.ExecuteAsync("DELETE FROM identities WHERE id = @id", new { id }, tx);

    public static async Task<IReadOnlyList<IdentityMetadataRow>> ListMetadataAsync(DbConnection conn, string identityId, DbTransaction? tx = null) =>
        (await conn.QueryAsync<IdentityMetadataRow>(
            "SELECT id, identity_id, key, value FROM identity_metadata WHERE identity_id = @identityId ORDER BY created_at, id",
            new { identityId }, tx)).AsList();

    /// <summary>The metadata of several identities in one query, each identity's in its order.</summary>
    public static async Task<ILookup<string, IdentityMetadataRow>> ListMetadataForAsync(DbConnection conn, IReadOnlyCollection<string> identityIds)
    {
        if (identityIds.Count == 0) return Array.Empty<IdentityMetadataRow>().ToLookup(r => r.IdentityId);
        return (await conn.QueryAsync<IdentityMetadataRow>(
            $"SELECT id, identity_id, key, value FROM identity_metadata WHERE {SqlText.In(conn, "identity_id", "identityIds")} ORDER BY created_at, id",
            new { identityIds = identityIds.ToArray() })).ToLookup(r => r.IdentityId);
    }

    public static async Task ReplaceMetadataAsync(DbConnection conn, DbTransaction tx, string identityId, string orgId,
        IReadOnlyList<(string Key, string Value)> items, long now)
    {
        await conn.ExecuteAsync("DELETE FROM identity_metadata WHERE identity_id = @identityId", new { identityId }, tx);
        foreach (var (key, value) in items)
            await conn.ExecuteAsync(
                "INSERT INTO identity_metadata (id, identity_id, org_id, key, value, created_at, updated_at) VALUES (@id, @identityId, @orgId, @key, @value, @now, @now)",
                new { id = Ids.New(), identityId, orgId, key, value, now }, tx);
    }

    /// <summary>Infisical's <c>authMethods</c>: which auth methods are attached, in a stable order.</summary>
    public static async Task<IReadOnlyList<string>> AuthMethodsAsync(DbConnection conn, string identityId, DbTransaction? tx = null)
    {
        var flags = await conn.QuerySingleAsync<(long Ua, long Ta, long Jwt, long Oidc, long K8s, long Aws, long Ldap)>(
            """
            SELECT (SELECT COUNT(*) FROM identity_universal_auths WHERE identity_id = @identityId),
                   (SELECT COUNT(*) FROM identity_token_auths WHERE identity_id = @identityId),
                   (SELECT COUNT(*) FROM identity_jwt_auths WHERE identity_id = @identityId),
                   (SELECT COUNT(*) FROM identity_oidc_auths WHERE identity_id = @identityId),
                   (SELECT COUNT(*) FROM identity_kubernetes_auths WHERE identity_id = @identityId),
                   (SELECT COUNT(*) FROM identity_aws_auths WHERE identity_id = @identityId),
                   (SELECT COUNT(*) FROM identity_ldap_auths WHERE identity_id = @identityId)
            """, new { identityId }, tx);
        var methods = new List<string>(7);
        if (flags.Ua > 0) methods.Add(AuthMethods.UniversalAuth);
        if (flags.Ta > 0) methods.Add(AuthMethods.TokenAuth);
        if (flags.Jwt > 0) methods.Add(AuthMethods.JwtAuth);
        if (flags.K8s > 0) methods.Add(AuthMethods.KubernetesAuth);
        if (flags.Aws > 0) methods.Add(AuthMethods.AwsAuth);
        if (flags.Oidc > 0) methods.Add(AuthMethods.OidcAuth);
        if (flags.Ldap > 0) methods.Add(AuthMethods.LdapAuth);
        return methods;
    }

    /// <summary><see cref="AuthMethodsAsync"/> for many identities in one query.</summary>
    public static async Task<ILookup<string, string>> AuthMethodsForAsync(DbConnection conn, IReadOnlyCollection<string> identityIds)
    {
        if (identityIds.Count == 0) return Array.Empty<(string, string)>().ToLookup(x => x.Item1, x => x.Item2);
        var rows = await conn.QueryAsync<(string IdentityId, string Method)>(
            $"""
            SELECT identity_id, 'universal-auth' FROM identity_universal_auths WHERE {SqlText.In(conn, "identity_id", "identityIds")}
            UNION ALL
            SELECT identity_id, 'token-auth' FROM identity_token_auths WHERE {SqlText.In(conn, "identity_id", "identityIds")}
            UNION ALL
            SELECT identity_id, 'jwt-auth' FROM identity_jwt_auths WHERE {SqlText.In(conn, "identity_id", "identityIds")}
            UNION ALL
            SELECT identity_id, 'kubernetes-auth' FROM identity_kubernetes_auths WHERE {SqlText.In(conn, "identity_id", "identityIds")}
            UNION ALL
            SELECT identity_id, 'aws-auth' FROM identity_aws_auths WHERE {SqlText.In(conn, "identity_id", "identityIds")}
            UNION ALL
            SELECT identity_id, 'oidc-auth' FROM identity_oidc_auths WHERE {SqlText.In(conn, "identity_id", "identityIds")}
            UNION ALL
            SELECT identity_id, 'ldap-auth' FROM identity_ldap_auths WHERE {SqlText.In(conn, "identity_id", "identityIds")}
            """, new { identityIds = identityIds.ToArray() });
        return rows.OrderBy(r => r.Method switch
            {
                AuthMethods.UniversalAuth => 0,
                AuthMethods.TokenAuth => 1,
                AuthMethods.JwtAuth => 2,
                AuthMethods.KubernetesAuth => 3,
                _ => 4,
            })
            .ToLookup(r => r.IdentityId, r => r.Method);
    }

    /// <summary>The auth methods currently locked out, for many identities in one query.</summary>
    public static async Task<ILookup<string, string>> ActiveLockoutMethodsForAsync(DbConnection conn, IReadOnlyCollection<string> identityIds, long now)
    {
        if (identityIds.Count == 0) return Array.Empty<(string, string)>().ToLookup(x => x.Item1, x => x.Item2);
        var rows = await conn.QueryAsync<(string IdentityId, string Method)>(
            $"SELECT DISTINCT identity_id, auth_method FROM auth_lockouts WHERE {SqlText.In(conn, "identity_id", "identityIds")} " +
            "AND locked_until IS NOT NULL AND locked_until > @now",
            new { identityIds = identityIds.ToArray(), now });
        return rows.ToLookup(r => r.IdentityId, r => r.Method);
    }

}

public static class AuthMethods
{
    public const string UniversalAuth = "universal-auth";
    public const string TokenAuth = "token-auth";
    public const string JwtAuth = "jwt-auth";
    public const string OidcAuth = "oidc-auth";
    public const string KubernetesAuth = "kubernetes-auth";
    public const string AwsAuth = "aws-auth";
    public const string LdapAuth = "ldap-auth";
}
