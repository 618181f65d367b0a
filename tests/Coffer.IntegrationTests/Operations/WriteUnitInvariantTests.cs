using System.Data.Common;
using System.Net;
using Coffer.IntegrationTests.Infrastructure;
using Coffer.Server.Crypto;
using Coffer.Server.Data;
using Coffer.Server.Features.AccessTokens;
using Coffer.Server.Features.Users;
using Coffer.Server.Http.Outbound;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.IntegrationTests.Operations;

/// <summary>
/// The rules the write path relies on, enforced in code on both engines: read connections cannot write; a write
/// started inside a write fails at once (on SQLite it would wait for itself forever); password hashing, token signing
/// and outbound HTTP refuse to run inside a write unit. After each refusal the writer still serves.
/// </summary>
public sealed class WriteUnitInvariantTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    // Generous bounds that only turn a deadlock into a failure; nothing here measures time.
    private static readonly TimeSpan Deadlock = TimeSpan.FromMinutes(1);

    private Db Db => fx.Server.Services.GetRequiredService<Db>();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_read_connection_cannot_write()
    {
        var before = await Db.ReadAsync(SecurityEpoch.ReadAsync, Ct);

        var ex = await Assert.ThrowsAnyAsync<DbException>(() =>
            Db.ReadAsync(conn => conn.ExecuteAsync("UPDATE coffer_state SET value = value + 1 WHERE key = 'security_epoch'"), Ct));

        if (ex is Microsoft.Data.Sqlite.SqliteException sqlite) Assert.Equal(8, sqlite.SqliteErrorCode); // SQLITE_READONLY
        else Assert.Equal("25006", Assert.IsType<Npgsql.PostgresException>(ex).SqlState); // read_only_sql_transaction
        Assert.Equal(before, await Db.ReadAsync(SecurityEpoch.ReadAsync, Ct));
        await ExpectWriterServesAsync();
    }

    [Fact]
    public async Task A_read_connection_cannot_write_after_the_pool_replaced_its_connections()
    {
        if (TestDatabase.IsPostgres) Assert.Skip("SQLite's read pool; PostgreSQL's reads are read-only transactions");
        var before = await Db.ReadAsync(SecurityEpoch.ReadAsync, Ct);

        // The pool closes idle connections and opens new ones; a new connection may get the memory (and the handle
        // address) of one just closed. Each new connection must be made read-only all the same.
        for (var i = 0; i < 20; i++)
        {
            await Db.ReadAsync(conn =>
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearPool((Microsoft.Data.Sqlite.SqliteConnection)conn);
                return Task.FromResult(0);
            }, Ct);
            var ex = await Assert.ThrowsAsync<Microsoft.Data.Sqlite.SqliteException>(() =>
                Db.ReadAsync(conn => conn.ExecuteAsync("UPDATE coffer_state SET value = value + 1 WHERE key = 'security_epoch'"), Ct));
            Assert.Equal(8, ex.SqliteErrorCode); // SQLITE_READONLY
        }

        Assert.Equal(before, await Db.ReadAsync(SecurityEpoch.ReadAsync, Ct));
        await ExpectWriterServesAsync();
    }

    [Fact]
    public async Task A_write_started_inside_a_write_fails_at_once_and_nothing_of_either_is_written()
    {
        var before = await Db.ReadAsync(SecurityEpoch.ReadAsync, Ct);

        var ex = await Assert.ThrowsAsync<WriteUnitViolationException>(() => Db.WriteAsync(async (conn, tx) =>
        {
            await SecurityEpoch.BumpAsync(conn, tx);
            await Db.WriteAsync((inner, innerTx) => SecurityEpoch.BumpAsync(inner, innerTx), Ct);
        }, Ct).WaitAsync(Deadlock, Ct));

        Assert.StartsWith("A write started inside a write unit.", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, await Db.ReadAsync(SecurityEpoch.ReadAsync, Ct));
        await ExpectWriterServesAsync();
    }

    [Fact]
    public async Task Password_hashing_is_refused_inside_a_write_unit()
    {
        var work = fx.Server.Services.GetRequiredService<PasswordWork>();
        var ex = await Assert.ThrowsAsync<WriteUnitViolationException>(() =>
            Db.WriteAsync((conn, tx) => work.RunAsync(() => PasswordHasher.Hash("correct horse battery staple"), Ct), Ct).WaitAsync(Deadlock, Ct));
        Assert.StartsWith("Password hashing inside a write unit.", ex.Message, StringComparison.Ordinal);
        // Outside one it runs.
        Assert.NotEmpty(await work.RunAsync(() => PasswordHasher.Hash("correct horse battery staple"), Ct));
        await ExpectWriterServesAsync();
    }

    [Fact]
    public async Task Token_signing_is_refused_inside_a_write_unit()
    {
        var signer = fx.Server.Services.GetRequiredService<TokenSigner>();
        var ex = await Assert.ThrowsAsync<WriteUnitViolationException>(() =>
            Db.WriteAsync((conn, tx) => Task.FromResult(signer.Sign("identity", "token", null, 60)), Ct).WaitAsync(Deadlock, Ct));
        Assert.StartsWith("Signing a token inside a write unit.", ex.Message, StringComparison.Ordinal);
        Assert.NotEmpty(signer.Sign("identity", "token", null, 60));
        await ExpectWriterServesAsync();
    }

    [Fact]
    public async Task Outbound_http_is_refused_inside_a_write_unit()
    {
        var transport = new CountingHandler();
        using var client = OutboundHttp.CreateClient(transport);
        var url = new Uri("http://idp.example.test/.well-known/jwks.json");

        var ex = await Assert.ThrowsAsync<WriteUnitViolationException>(() =>
            Db.WriteAsync((conn, tx) => client.GetAsync(url, Ct), Ct).WaitAsync(Deadlock, Ct));

        Assert.StartsWith("An HTTP call to idp.example.test inside a write unit.", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, transport.Sent);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(url, Ct)).StatusCode);
        Assert.Equal(1, transport.Sent);
        await ExpectWriterServesAsync();
    }

    private async Task ExpectWriterServesAsync()
    {
        var before = await Db.ReadAsync(SecurityEpoch.ReadAsync, Ct);
        await Db.WriteAsync((conn, tx) => SecurityEpoch.BumpAsync(conn, tx), Ct).WaitAsync(Deadlock, Ct);
        Assert.Equal(before + 1, await Db.ReadAsync(SecurityEpoch.ReadAsync, Ct));
    }

    private sealed class CountingHandler : HttpMessageHandler
    {
        private int _sent;

        public int Sent => _sent;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _sent);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
        }
    }
}
