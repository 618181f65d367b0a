using Coffer.IntegrationTests.Infrastructure;
using Coffer.Server.Data;
using Coffer.Server.Data.Migrations;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.IntegrationTests.Operations;

/// <summary>
/// <c>GET /api/ready</c>: 200 with the schema version while the database holds exactly this binary's schema; 503 with
/// the reason while a migration is pending or the schema is newer than the binary, and ready again once that is mended —\n/// without a restart. (The database
/// being unreachable: <see cref="DatabaseOutageTests"/>.)
/// </summary>
public sealed class ReadinessTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Ready_at_this_binarys_schema_and_not_while_a_migration_is_pending()
    {
        var ready = await fx.Api.GetAsync("/api/ready");
        Expect.Ok(ready);
        Assert.Equal($$"""{"ready":true,"schemaVersion":{{Migrator.LatestId}}}""", ready.RawBody);

        var db = fx.Server.Services.GetRequiredService<Db>();
        var latest = Migrator.All[^1];
        var appliedAt = await db.ReadAsync(conn => conn.ExecuteScalarAsync<object>("SELECT applied_at FROM coffer_migrations WHERE id = @id", new { id = latest.Id }), TestContext.Current.CancellationToken);
        await db.WriteAsync((conn, tx) => conn.ExecuteAsync("DELETE FROM coffer_migrations WHERE id = @id", new { id = latest.Id }, tx), TestContext.Current.CancellationToken);
        try
        {
            var pending = await fx.Api.GetAsync("/api/ready");
            Assert.Equal(503, pending.Code);
            Assert.Equal("""{"ready":false,"reason":"1 database migration(s) pending: run coffer-server migrate, or restart a server, to apply them"}""",
                pending.RawBody);
        }
        finally
        {
            await db.WriteAsync((conn, tx) => conn.ExecuteAsync("INSERT INTO coffer_migrations (id, name, applied_at) VALUES (@id, @name, @appliedAt)",
                new { id = latest.Id, name = latest.Name, appliedAt }, tx), TestContext.Current.CancellationToken);
        }
        Expect.Ok(await fx.Api.GetAsync("/api/ready"));
    }

    [Fact]
    public async Task Not_ready_on_a_schema_newer_than_this_binary_and_ready_again_without_it()
    {
        var db = fx.Server.Services.GetRequiredService<Db>();
        var newer = Migrator.LatestId + 1;
        await db.WriteAsync((conn, tx) => conn.ExecuteAsync("INSERT INTO coffer_migrations (id, name, applied_at) VALUES (@id, 'from-a-newer-binary', @appliedAt)",
            new { id = newer, appliedAt = UnixMs.Now(fx.Server.Clock) }, tx), TestContext.Current.CancellationToken);
        try
        {
            var refused = await fx.Api.GetAsync("/api/ready");
            Assert.Equal(503, refused.Code);
            Assert.Equal($$"""{"ready":false,"reason":"the database schema is at version {{newer}}, newer than this binary understands (up to {{Migrator.LatestId}})"}""",
                refused.RawBody);
        }
        finally
        {
            await db.WriteAsync((conn, tx) => conn.ExecuteAsync("DELETE FROM coffer_migrations WHERE id = @id", new { id = newer }, tx),
                TestContext.Current.CancellationToken);
        }
        Expect.Ok(await fx.Api.GetAsync("/api/ready"));
    }
}
