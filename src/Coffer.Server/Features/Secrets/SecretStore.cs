using System.Data.Common;
using Coffer.Server.Data;
using Coffer.Server.Features.Environments;
using Coffer.Server.Features.Folders;
using Dapper;

namespace Coffer.Server.Features.Secrets;

/// <summary>The SQL behind secrets, their history and tags. Every method takes the caller's connection and transaction.</summary>
public static class SecretStore
{
    public const string Columns =
        "id, project_id, folder_id, key, type, user_id, version, encrypted_value, encrypted_comment, encrypted_metadata, " +
        "skip_multiline_encoding, reminder_note, reminder_repeat_days, created_at, updated_at, key_version";

    private static readonly string QualifiedColumns = SqlText.Qualified(Columns, "s");

    /// <summary>Every environment and folder of a project, for <see cref="ProjectTree"/>.</summary>
    public static async Task<ProjectTree> LoadTreeAsync(DbConnection conn, string projectId, DbTransaction? tx = null)
    {
        var environments = await EnvironmentStore.ListAsync(conn, projectId, tx);
        var folders = (await conn.QueryAsync<FolderRow>(
            $"""
            SELECT {FolderStore.QualifiedColumns}
            FROM secret_folders f JOIN project_environments e ON e.id = f.env_id
            WHERE e.project_id = @projectId
            """, new { projectId }, tx)).ToLookup(f => f.EnvId, StringComparer.Ordinal);
        return new ProjectTree(environments.Select(e => new EnvironmentFolders(e, folders[e.Id])).ToList());
    }

    /// <summary>All secrets (shared and every user's personal ones) of the given folders, with tags, oldest first.</summary>
    public static async Task<List<SecretRow>> ListByFoldersAsync(DbConnection conn, IReadOnlyCollection<string> folderIds, DbTransaction? tx = null)
    {
        if (folderIds.Count == 0) return [];
        var rows = (await conn.QueryAsync<SecretRow>(
            $"SELECT {Columns} FROM secrets WHERE {SqlText.In(conn, "folder_id", "folderIds")} ORDER BY id", new { folderIds = folderIds.ToArray() }, tx)).AsList();
        await AttachTagsAsync(conn, rows, SqlText.In(conn, "s.folder_id", "folderIds"), new { folderIds = folderIds.ToArray() }, tx);
        return rows;
    }

    /// <summary>Every secret of a project, with tags (for the rare whole-project rewrite after a rename).</summary>
    public static async Task<List<SecretRow>> ListByProjectAsync(DbConnection conn, DbTransaction tx, string projectId)
    {
        var rows = (await conn.QueryAsync<SecretRow>($"SELECT {Columns} FROM secrets WHERE project_id = @projectId ORDER BY id", new { projectId }, tx)).AsList();
        await AttachTagsAsync(conn, rows, "s.project_id = @projectId", new { projectId }, tx);
        return rows;
    }

    /// <summary>Every secret carrying a tag, with all its tags.</summary>
    public static async Task<List<SecretRow>> ListByTagAsync(DbConnection conn, DbTransaction tx, string tagId)
    {
        const string Tagged = "SELECT secret_id FROM secret_tag_links WHERE tag_id = @tagId";
        var rows = (await conn.QueryAsync<SecretRow>($"SELECT {Columns} FROM secrets WHERE id IN ({Tagged}) ORDER BY id", new { tagId }, tx)).AsList();
        await AttachTagsAsync(conn, rows, $"s.id IN ({Tagged})", new { tagId }, tx);
        return rows;
    }

    public static async Task<SecretRow?> FindByIdAsync(DbConnection conn, string id, DbTransaction? tx = null)
    {
        var row = await conn.QuerySingleOrDefaultAsync<SecretRow>($"SELECT {Columns} FROM secrets WHERE id = @id", new { id }, tx);
        if (row is not null) await AttachTagsAsync(conn, [row], "s.id = @id", new { id }, tx);
        return row;
    }

    /// <summary>The shared secret, or the actor's personal one, of a name in a folder.</summary>
    public static async Task<SecretRow?> FindAsync(DbConnection conn, string folderId, string key, string type, string? userId, DbTransaction? tx = null)
    {
        var ownerKey = OwnerKey(type, userId);
        var row = await conn.QuerySingleOrDefaultAsync<SecretRow>(
            $"SELECT {Columns} FROM secrets WHERE folder_id = @folderId AND key = @key AND owner_key = @ownerKey{SqlText.ForUpdate(conn, tx)}",
            new { folderId, key, ownerKey }, tx);
        if (row is not null) await AttachTagsAsync(conn, [row], "s.id = @id", new { id = row.Id }, tx);
        return row;
    }

    /// <summary>Shared secrets of these names in a folder, with tags.</summary>
    public static async Task<List<SecretRow>> FindSharedAsync(DbConnection conn, string folderId, IReadOnlyCollection<string> keys, DbTransaction? tx = null)
    {
        if (keys.Count == 0) return [];
        var rows = (await conn.QueryAsync<SecretRow>(
            $"SELECT {Columns} FROM secrets WHERE folder_id = @folderId AND owner_key = '' AND {SqlText.In(conn, "key", "keys")} ORDER BY id{SqlText.ForUpdate(conn, tx)}",
            new { folderId, keys = keys.ToArray() }, tx)).AsList();
        await AttachTagsAsync(conn, rows, $"s.folder_id = @folderId AND s.owner_key = '' AND {SqlText.In(conn, "s.key", "keys")}",
            new { folderId, keys = keys.ToArray() }, tx);
        return rows;
    }

    /// <summary>
    /// One version of a secret from its history, by the secret's id (a name may have belonged to another secret before),
    /// with the tags it carried then that still exist. Tags are null for versions written before they were recorded.
    /// </summary>
    public static async Task<(SecretRow Row, IReadOnlyList<string>? TagSlugs)?> FindVersionAsync(DbConnection conn, string secretId, long version)
    {
        var rows = await conn.QueryAsync<SecretRow, string?, (SecretRow Row, string? TagIds)>(
            """
            SELECT secret_id AS id, project_id, folder_id, key, type, user_id, version, encrypted_value, encrypted_comment,
                   encrypted_metadata, skip_multiline_encoding, reminder_note, reminder_repeat_days, created_at, updated_at, key_version, tag_ids
            FROM secret_versions
            WHERE secret_id = @secretId AND version = @version
            """, (row, tagIds) => (row, tagIds), new { secretId, version }, splitOn: "tag_ids");
        if (rows.FirstOrDefault() is not { Row: not null } hit) return null;
        var (found, tagIds) = hit;
        if (tagIds is null) return (found, null);
        var ids = tagIds.Split(',', StringSplitOptions.RemoveEmptyEntries);
        var tags = ids.Length == 0 ? [] : (await conn.QueryAsync<TagRef>(
            $"SELECT id, slug, color FROM secret_tags WHERE {SqlText.In(conn, "id", "ids")} ORDER BY slug", new { ids })).AsList();
        found.Tags = tags;
        return (found, tags.Select(t => t.Slug).ToArray());
    }

    public static async Task InsertAsync(DbConnection conn, DbTransaction tx, SecretRow s, SecretActor actor)
    {
        await conn.ExecuteAsync(
            $"""
            INSERT INTO secrets ({Columns}, owner_key)
            VALUES (@Id, @ProjectId, @FolderId, @Key, @Type, @UserId, @Version, @EncryptedValue, @EncryptedComment, @EncryptedMetadata,
                    @SkipMultilineEncoding, @ReminderNote, @ReminderRepeatDays, @CreatedAt, @UpdatedAt, @KeyVersion, @OwnerKey)
            """, Parameters(s), tx);
        await InsertVersionAsync(conn, tx, s, actor);
    }

    /// <summary>Writes the new state of an existing secret (its version already bumped) and records it in the history.</summary>
    public static async Task UpdateAsync(DbConnection conn, DbTransaction tx, SecretRow s, SecretActor actor)
    {
        await conn.ExecuteAsync(
            """
            UPDATE secrets SET key = @Key, version = @Version, encrypted_value = @EncryptedValue, encrypted_comment = @EncryptedComment,
                encrypted_metadata = @EncryptedMetadata, skip_multiline_encoding = @SkipMultilineEncoding, reminder_note = @ReminderNote,
                reminder_repeat_days = @ReminderRepeatDays, updated_at = @UpdatedAt, key_version = @KeyVersion
            WHERE id = @Id
            """, Parameters(s), tx);
        await InsertVersionAsync(conn, tx, s, actor);
    }

    public static Task<int> DeleteAsync(DbConnection conn, DbTransaction tx, IReadOnlyCollection<string> ids) =>
        ids.Count == 0 ? Task.FromResult(0) : conn.ExecuteAsync($"DELETE FROM secrets WHERE {SqlText.In(conn, "id", "ids")}", new { ids = ids.ToArray() }, tx);

    /// <summary>Personal overrides of these names in a folder (they go when their shared secret goes).</summary>
    public static async Task<List<SecretRow>> FindPersonalOverridesAsync(DbConnection conn, DbTransaction tx, string folderId, IReadOnlyCollection<string> keys) =>
        keys.Count == 0 ? [] : (await conn.QueryAsync<SecretRow>(
            $"SELECT {Columns} FROM secrets WHERE folder_id = @folderId AND type = 'personal' AND {SqlText.In(conn, "key", "keys")}",
            new { folderId, keys = keys.ToArray() }, tx)).AsList();

    /// <summary>Replaces a secret's tags.</summary>
    public static async Task SetTagsAsync(DbConnection conn, DbTransaction tx, string secretId, IReadOnlyCollection<string> tagIds)
    {
        await conn.ExecuteAsync("DELETE FROM secret_tag_links WHERE secret_id = @secretId", new { secretId }, tx);
        foreach (var tagId in tagIds.Distinct(StringComparer.Ordinal))
            await conn.ExecuteAsync("INSERT INTO secret_tag_links (id, secret_id, tag_id) VALUES (@id, @secretId, @tagId)",
                new { id = Ids.New(), secretId, tagId }, tx);
    }

    /// <summary>Marks folders as holding a freshly changed secret (Infisical's <c>lastSecretModified</c>).</summary>
    public static Task TouchFoldersAsync(DbConnection conn, DbTransaction tx, IReadOnlyCollection<string> folderIds, long now) =>
        folderIds.Count == 0 ? Task.CompletedTask
            : conn.ExecuteAsync($"UPDATE secret_folders SET last_secret_modified = @now WHERE {SqlText.In(conn, "id", "folderIds")}",
                new { folderIds = folderIds.ToArray(), now }, tx);

    /// <summary>The newest <paramref name="limit"/> versions of a secret, newest first, without their values.</summary>
    public static async Task<IReadOnlyList<SecretVersionEntry>> ListVersionsAsync(DbConnection conn, string secretId, int limit) =>
        (await conn.QueryAsync<SecretVersionEntry>(
            """
            SELECT v.version, v.actor_type, v.actor_id, COALESCE(u.email, i.name) AS actor_name, v.created_at
            FROM secret_versions v
            LEFT JOIN users u ON v.actor_type = 'user' AND u.id = v.actor_id
            LEFT JOIN identities i ON v.actor_type = 'identity' AND i.id = v.actor_id
            WHERE v.secret_id = @secretId
            ORDER BY v.version DESC
            LIMIT @limit
            """, new { secretId, limit })).AsList();

    public static string OwnerKey(string type, string? userId) => type == SecretTypes.Personal ? userId ?? "" : "";

    private static Task InsertVersionAsync(DbConnection conn, DbTransaction tx, SecretRow s, SecretActor actor) =>
        conn.ExecuteAsync(
            """
            INSERT INTO secret_versions (id, secret_id, project_id, folder_id, key, type, user_id, version, encrypted_value,
                encrypted_comment, encrypted_metadata, skip_multiline_encoding, reminder_note, reminder_repeat_days, actor_type, actor_id,
                tag_ids, created_at, updated_at, key_version)
            VALUES (@VersionId, @Id, @ProjectId, @FolderId, @Key, @Type, @UserId, @Version, @EncryptedValue, @EncryptedComment,
                @EncryptedMetadata, @SkipMultilineEncoding, @ReminderNote, @ReminderRepeatDays, @ActorType, @ActorId, @TagIds, @UpdatedAt,
                @UpdatedAt, @KeyVersion)
            """,
            new
            {
                VersionId = Ids.New(),
                s.Id,
                s.ProjectId,
                s.FolderId,
                s.Key,
                s.Type,
                s.UserId,
                s.Version,
                s.EncryptedValue,
                s.EncryptedComment,
                s.EncryptedMetadata,
                s.SkipMultilineEncoding,
                s.ReminderNote,
                s.ReminderRepeatDays,
                ActorType = actor.Type,
                ActorId = actor.Id,
                TagIds = string.Join(',', s.Tags.Select(t => t.Id)),
                s.UpdatedAt,
                s.KeyVersion,
            }, tx);

    private static object Parameters(SecretRow s) => new
    {
        s.Id,
        s.ProjectId,
        s.FolderId,
        s.Key,
        s.Type,
        s.UserId,
        s.Version,
        s.EncryptedValue,
        s.EncryptedComment,
        s.EncryptedMetadata,
        s.SkipMultilineEncoding,
        s.ReminderNote,
        s.ReminderRepeatDays,
        s.CreatedAt,
        s.UpdatedAt,
        s.KeyVersion,
        OwnerKey = OwnerKey(s.Type, s.UserId),
    };

    private static async Task AttachTagsAsync(DbConnection conn, List<SecretRow> rows, string where, object args, DbTransaction? tx)
    {
        if (rows.Count == 0) return;
        var links = await conn.QueryAsync<TagLink>(
            $"""
            SELECT l.secret_id, t.id AS tag_id, t.slug, t.color
            FROM secret_tag_links l JOIN secret_tags t ON t.id = l.tag_id JOIN secrets s ON s.id = l.secret_id
            WHERE {where}
            ORDER BY t.slug
            """, args, tx);
        var bySecret = links.ToLookup(l => l.SecretId, StringComparer.Ordinal);
        foreach (var row in rows)
            row.Tags = bySecret[row.Id].Select(l => new TagRef(l.TagId, l.Slug, l.Color)).ToArray();
    }

    private sealed class TagLink
    {
        public string SecretId { get; init; } = "";
        public string TagId { get; init; } = "";
        public string Slug { get; init; } = "";
        public string? Color { get; init; }
    }
}

/// <summary>Who made a change, as recorded in the version history.</summary>
/// <summary>One entry of a secret's history: which version, who wrote it (name where the actor still exists) and when.</summary>
public sealed record SecretVersionEntry(long Version, string? ActorType, string? ActorId, string? ActorName, long CreatedAt);

public sealed record SecretActor(string Type, string? Id)
{
    /// <summary>Changes Coffer makes on its own (references rewritten after a rename), recorded as Infisical's "platform" actor.</summary>
    public static readonly SecretActor Platform = new("platform", null);
}
