using Coffer.Server.Crypto;
using Coffer.Server.Data;
using Dapper;

namespace Coffer.Server.Hosting;

/// <summary>
/// <c>coffer-server rotate-root-key</c>: rewraps every project data key and server key from the current root key to a
/// new one, in one transaction. Secret rows are not touched (they are sealed under the data keys, which do not change).
/// Rows already under the new key are skipped, so an interrupted rotation can simply be run again.
/// </summary>
public static class RootKeyRotation
{
    public const string NewKeyVariable = "NEW_ROOT_ENCRYPTION_KEY";

    public sealed record Result(int DataKeys, int ServerKeys);

    public static Task<Result> RunAsync(Db db, RootKey current, RootKey next, TimeProvider time) =>
        db.WriteAsync(async (conn, tx) =>
        {
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            var dataKeys = (await conn.QueryAsync<KeyRow>(
                "SELECT id, project_id AS owner, key_version, wrapped_key, root_key_id FROM project_data_keys", transaction: tx))
                .Select(k => new KeyRow { Id = k.Id, Owner = KeyPurposes.ProjectDataKeyOwner(k.Owner, k.KeyVersion), WrappedKey = k.WrappedKey, RootKeyId = k.RootKeyId })
                .ToList();
            var serverKeys = (await conn.QueryAsync<KeyRow>(
                "SELECT id, purpose AS owner, wrapped_key, root_key_id FROM server_keys", transaction: tx)).AsList();
            var rewrapped = 0;
            foreach (var row in dataKeys)
                rewrapped += await RewrapAsync(conn, tx, "project_data_keys", row, KeyPurposes.ProjectSecretsDataKey, current, next, now);
            var server = 0;
            foreach (var row in serverKeys)
                server += await RewrapAsync(conn, tx, "server_keys", row, KeyPurposes.ServerKey, current, next, now);
            return new Result(rewrapped, server);
        });

    private static async Task<int> RewrapAsync(System.Data.Common.DbConnection conn, System.Data.Common.DbTransaction tx, string table, KeyRow row,
        string purpose, RootKey current, RootKey next, long now)
    {
        if (row.RootKeyId == next.KeyId) return 0;
        if (row.RootKeyId != current.KeyId)
            throw new ConfigurationException(
                $"A key in {table} ({row.Owner}) is wrapped by root key {row.RootKeyId}, which is neither the current root key " +
                $"({current.KeyId}) nor the new one ({next.KeyId}). Nothing was changed.");
        var wrapped = DataKeys.Rewrap(current, next, row.WrappedKey, purpose, row.Owner);
        await conn.ExecuteAsync($"UPDATE {table} SET wrapped_key = @wrapped, root_key_id = @rootKeyId, updated_at = @now WHERE id = @id",
            new { wrapped, rootKeyId = next.KeyId, now, id = row.Id }, tx);
        return 1;
    }

    private sealed class KeyRow
    {
        public string Id { get; init; } = "";
        public string Owner { get; init; } = "";
        public byte[] WrappedKey { get; init; } = [];
        public string RootKeyId { get; init; } = "";
        public long KeyVersion { get; init; } = 1;
    }
}
