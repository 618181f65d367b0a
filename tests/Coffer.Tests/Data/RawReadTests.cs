using System.Text.Json;
using Coffer.Server.Data.Sqlite;
using Coffer.Server.Features.AccessTokens;
using Coffer.Server.Features.UniversalAuth;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Coffer.Tests.Data;

/// <summary>
/// The SQLite writer's connection keeps statements compiled and binds executes and scalars through SQLite's own API;
/// the login's statements, run through Dapper on it, must read and write exactly what they do on a plain connection.
/// </summary>
public class RawReadTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task HandBoundLoginStatementsDoWhatDapperDoes()
    {
        await using var temp = await TempSqliteDb.CreateAsync(migrate: true, Ct);
        await using var plain = new SqliteConnection($"Data Source={temp.Path}");
        await plain.OpenAsync(Ct);
        // Rows only for these tables: the organization and identity they belong to do not matter here.
        await plain.ExecuteAsync("PRAGMA foreign_keys = OFF");
        await plain.ExecuteAsync(
            """
            INSERT INTO identity_universal_auths (id, identity_id, client_id, access_token_ttl, access_token_max_ttl,
                access_token_num_uses_limit, access_token_period, client_secret_trusted_ips, access_token_trusted_ips,
                lockout_enabled, lockout_threshold, lockout_duration_seconds, lockout_counter_reset_seconds, created_at, updated_at)
            VALUES ('ua-1', 'id-1', 'client-1', 7200, 2592000, 5, 0, '[{"ipAddress":"10.0.0.0/8"}]', '[]', 0, 4, 600, 45, 1000, 2000),
                   ('ua-2', 'id-2', 'client-2', 0, 0, 0, 0, '[]', '[]', 1, 3, 300, 30, 3000, 4000),
                   ('ua-3', 'id-3', 'client-3', 0, 0, 0, 0, '[]', '[]', 1, 3, 300, 30, 5000, 6000)
            """);
        await plain.ExecuteAsync(
            """
            INSERT INTO identity_ua_client_secrets (id, identity_ua_id, description, client_secret_prefix, client_secret_hash,
                client_secret_last_used_at, client_secret_num_uses, client_secret_num_uses_limit, client_secret_ttl,
                is_client_secret_revoked, created_at, updated_at)
            VALUES ('cs-1', 'ua-1', 'ci', 'abcd', 'hash-1', NULL, 0, 0, 0, FALSE, 10, 11),
                   ('cs-2', 'ua-1', '', 'abcd', 'hash-2', 1234, 3, 3, 60, TRUE, 12, 13),
                   ('cs-3', 'ua-1', 'other', 'ffff', 'hash-3', NULL, 0, 0, 0, FALSE, 14, 15)
            """);
        await plain.ExecuteAsync(
            """
            INSERT INTO auth_lockouts (id, identity_id, auth_method, lockout_key, failed_attempts, window_started_at, locked_until, created_at, updated_at)
            VALUES ('lo-1', 'id-1', 'universal-auth', 'universal-auth:id-1:client-1', 0, 1, 99999, 1, 1),
                   ('lo-2', 'id-2', 'universal-auth', 'universal-auth:id-2:client-2', 2, 1, NULL, 1, 1)
            """);

        await using var cached = new StatementCachingConnection($"Data Source={temp.Path}");
        await cached.OpenAsync(Ct);
        await cached.ExecuteAsync("PRAGMA foreign_keys = OFF");
        await using var plainTx = plain.BeginTransaction(deferred: true);
        await using var cachedTx = cached.BeginTransaction(deferred: true);

        async Task<string> Both<T>(Func<System.Data.Common.DbConnection, System.Data.Common.DbTransaction, Task<T>> read)
        {
            var viaDapper = JsonSerializer.Serialize(await read(plain, plainTx));
            var viaRaw = JsonSerializer.Serialize(await read(cached, cachedTx));
            Assert.Equal(viaDapper, viaRaw);
            return viaRaw;
        }

        static Func<System.Data.Common.DbConnection, System.Data.Common.DbTransaction, Task<object>> Login(string clientId) =>
            async (c, t) => await UniversalAuthStore.FindForLoginAsync(c, t, clientId, "universal-auth:") is { } found
                ? new { found.Config, found.LockedUntil }
                : "none";
        var locked = await Both(Login("client-1"));
        Assert.Contains("10.0.0.0/8", locked, StringComparison.Ordinal);
        Assert.EndsWith("\"LockedUntil\":99999}", locked, StringComparison.Ordinal);
        Assert.EndsWith("\"LockedUntil\":0}", await Both(Login("client-2")), StringComparison.Ordinal);
        Assert.EndsWith("\"LockedUntil\":null}", await Both(Login("client-3")), StringComparison.Ordinal);
        Assert.Equal("\"none\"", await Both(Login("nobody")));
        Assert.Contains("cs-2", await Both((c, t) => UniversalAuthStore.FindByPrefixAsync(c, t, "ua-1", "abcd")));
        Assert.Equal("[]", await Both((c, t) => UniversalAuthStore.FindByPrefixAsync(c, t, "ua-1", "0000")));

        // The hand-bound writes: the same row and the same use-limit answers as through Dapper.
        await plainTx.CommitAsync(Ct);
        await cachedTx.CommitAsync(Ct);
        await using (var tx = plain.BeginTransaction(deferred: true))
        {
            Assert.True(await UniversalAuthStore.TryUseSecretAsync(plain, tx, "cs-1", 50));
            await tx.CommitAsync(Ct);
        }
        await using var writeTx = cached.BeginTransaction(deferred: true);
        Assert.True(await UniversalAuthStore.TryUseSecretAsync(cached, writeTx, "cs-1", 60));
        Assert.False(await UniversalAuthStore.TryUseSecretAsync(cached, writeTx, "cs-2", 60));
        var token = new AccessTokenRow
        {
            Id = "tok-raw",
            IdentityId = "id-1",
            AuthMethod = "universal-auth",
            IdentityUaClientSecretId = "cs-1",
            Name = null,
            AccessTokenTtl = 7200,
            AccessTokenMaxTtl = 2592000,
            AccessTokenNumUsesLimit = 3,
            AccessTokenPeriod = 0,
            SubOrganizationId = null,
            CreatedAt = 70,
            UpdatedAt = 71,
        };
        await AccessTokenStore.InsertAsync(cached, writeTx, token);
        await writeTx.CommitAsync(Ct);
        await using (var tx = plain.BeginTransaction(deferred: true))
        {
            await AccessTokenStore.InsertAsync(plain, tx, new AccessTokenRow
            {
                Id = "tok-dapper",
                IdentityId = token.IdentityId,
                AuthMethod = token.AuthMethod,
                IdentityUaClientSecretId = token.IdentityUaClientSecretId,
                Name = token.Name,
                AccessTokenTtl = token.AccessTokenTtl,
                AccessTokenMaxTtl = token.AccessTokenMaxTtl,
                AccessTokenNumUsesLimit = token.AccessTokenNumUsesLimit,
                AccessTokenPeriod = token.AccessTokenPeriod,
                SubOrganizationId = token.SubOrganizationId,
                CreatedAt = token.CreatedAt,
                UpdatedAt = token.UpdatedAt,
            });
            await tx.CommitAsync(Ct);
        }
        var rows = (await plain.QueryAsync("SELECT * FROM identity_access_tokens ORDER BY id")).Select(r => (IDictionary<string, object>)r).ToList();
        Assert.Equal(2, rows.Count);
        Assert.Equal(rows[0].Where(kv => kv.Key != "id"), rows[1].Where(kv => kv.Key != "id"));
        Assert.Equal(2L, await plain.ExecuteScalarAsync<long>("SELECT client_secret_num_uses FROM identity_ua_client_secrets WHERE id = 'cs-1'"));
    }
}
