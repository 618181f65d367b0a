using System.Security.Cryptography;
using Coffer.Server.Crypto;
using Coffer.Server.Data;
using Dapper;

namespace Coffer.Server.Hosting;

/// <summary>
/// Random server-wide keys (today: the HMAC key for universal-auth client secrets), stored wrapped under the root key
/// in <c>server_keys</c>. Unlike a key derived from the root key, these survive a root-key rotation: the rotation
/// rewraps them and every stored client-secret hash stays valid.
/// </summary>
public static class ServerKeys
{
    public const int Size = 32;

    /// <summary>
    /// <see cref="LoadOrCreateAsync"/> for a singleton's factory, which cannot await. The wait runs the load on the thread
    /// pool: a factory first called inside a console page's render would otherwise block the renderer's synchronization
    /// context that the load's continuations need (a deadlock).
    /// </summary>
    public static byte[] LoadOrCreate(Db db, RootKey root, string purpose) =>
        Task.Run(() => LoadOrCreateAsync(db, root, purpose)).GetAwaiter().GetResult();

    /// <summary>The key for <paramref name="purpose"/>, created on first use. Needs the schema to be migrated.</summary>
    public static async Task<byte[]> LoadOrCreateAsync(Db db, RootKey root, string purpose)
    {
        var row = await db.ReadAsync(conn => ReadAsync(conn, purpose));
        if (row is null)
        {
            row = await db.WriteAsync(async (conn, tx) =>
            {
                var fresh = RandomNumberGenerator.GetBytes(Size);
                try
                {
                    var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                    await conn.ExecuteAsync(
                        """
                        INSERT INTO server_keys (id, purpose, wrapped_key, root_key_id, created_at, updated_at)
                        VALUES (@id, @purpose, @wrapped, @rootKeyId, @now, @now)
                        ON CONFLICT (purpose) DO NOTHING
                        """,
                        new { id = Ids.New(), purpose, wrapped = Wrap(root, fresh, purpose), rootKeyId = root.KeyId, now }, tx);
                }
                finally
                {
                    CryptographicOperations.ZeroMemory(fresh);
                }
                return await ReadAsync(conn, purpose, tx);
            });
        }
        if (!string.Equals(row!.RootKeyId, root.KeyId, StringComparison.Ordinal))
            throw new ConfigurationException(
                $"The server key '{purpose}' is wrapped by root key {row.RootKeyId}, but this server runs with root key {root.KeyId}. " +
                "Start it with the root key the data was written under (see coffer-server rotate-root-key).");
        // The caller keeps it for the process's life (a pinned copy in the HMAC's owner); it is not a data key.
        var key = new byte[Size];
        DataKeys.UnwrapRaw(root, row.WrappedKey, KeyPurposes.ServerKey, purpose, key);
        return key;
    }

    internal static byte[] Wrap(RootKey root, byte[] key, string purpose) => DataKeys.WrapRaw(root, key, KeyPurposes.ServerKey, purpose);

    private static Task<KeyRow?> ReadAsync(System.Data.Common.DbConnection conn, string purpose, System.Data.Common.DbTransaction? tx = null) =>
        conn.QuerySingleOrDefaultAsync<KeyRow>("SELECT wrapped_key, root_key_id FROM server_keys WHERE purpose = @purpose", new { purpose }, tx);

    private sealed class KeyRow
    {
        public byte[] WrappedKey { get; init; } = [];
        public string RootKeyId { get; init; } = "";
    }
}
