using System.Data.Common;
using Dapper;

namespace Coffer.Server.Features.Identities;

/// <summary>
/// The columns every proof-based auth method's configuration row has (one row per identity): its id, the identity, the
/// settings of the tokens it issues and its times. Each method's row adds its own columns.
/// </summary>
public abstract record AuthMethodRow
{
    public string Id { get; init; } = "";
    public string IdentityId { get; init; } = "";
    public long AccessTokenTtl { get; init; }
    public long AccessTokenMaxTtl { get; init; }
    public long AccessTokenNumUsesLimit { get; init; }
    public string AccessTokenTrustedIps { get; init; } = "[]";
    public long CreatedAt { get; init; }
    public long UpdatedAt { get; init; }
}

/// <summary>
/// One auth method's configuration table: its name and its own columns, after the shared ones. Each column's parameter
/// is its row property (<c>bind_dn</c> → <c>@BindDn</c>), as Dapper maps the columns back.
/// </summary>
public sealed class AuthMethodSchema
{
    private static readonly string[] Shared =
        ["id", "identity_id", "access_token_ttl", "access_token_max_ttl", "access_token_num_uses_limit", "access_token_trusted_ips", "created_at", "updated_at"];

    // Never changed by an update: the row's identity and when it was made.
    private static readonly string[] Fixed = ["id", "identity_id", "created_at"];

    public AuthMethodSchema(string table, params string[] ownColumns)
    {
        string[] all = [.. Shared, .. ownColumns];
        var columns = string.Join(", ", all);
        SelectByIdentity = $"SELECT {columns} FROM {table} WHERE identity_id = @identityId";
        Insert = $"INSERT INTO {table} ({columns}) VALUES ({string.Join(", ", all.Select(Parameter))})";
        Update = $"UPDATE {table} SET {string.Join(", ", all.Except(Fixed).Select(c => $"{c} = {Parameter(c)}"))} WHERE id = @Id";
        Delete = $"DELETE FROM {table} WHERE id = @id";
    }

    internal string SelectByIdentity { get; }
    internal string Insert { get; }
    internal string Update { get; }
    internal string Delete { get; }

    private static string Parameter(string column) =>
        "@" + string.Concat(column.Split('_').Select(part => char.ToUpperInvariant(part[0]) + part[1..]));
}

/// <summary>Every query on an auth method's configuration table, for any method's <see cref="AuthMethodSchema"/>.</summary>
public static class AuthMethodStore
{
    public static Task<TRow?> FindByIdentityAsync<TRow>(DbConnection conn, AuthMethodSchema schema, string identityId, DbTransaction? tx = null)
        where TRow : AuthMethodRow =>
        conn.QuerySingleOrDefaultAsync<TRow>(schema.SelectByIdentity, new { identityId }, tx);

    public static Task InsertAsync<TRow>(DbConnection conn, DbTransaction tx, AuthMethodSchema schema, TRow row) where TRow : AuthMethodRow =>
        conn.ExecuteAsync(schema.Insert, row, tx);

    public static Task UpdateAsync<TRow>(DbConnection conn, DbTransaction tx, AuthMethodSchema schema, TRow row) where TRow : AuthMethodRow =>
        conn.ExecuteAsync(schema.Update, row, tx);

    public static Task<int> DeleteAsync(DbConnection conn, DbTransaction tx, AuthMethodSchema schema, string id) =>
        conn.ExecuteAsync(schema.Delete, new { id }, tx);
}
