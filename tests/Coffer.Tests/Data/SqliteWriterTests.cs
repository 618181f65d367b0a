using System.Data.Common;
using Coffer.Server.Data;
using Coffer.Server.Data.Sqlite;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Coffer.Tests.Data;

/// <summary>
/// Group commit on SQLite (<see cref="SqliteWriter"/>): units queued together share a transaction, yet each one
/// succeeds or fails on its own, and nobody hears "done" before the shared commit. Runs on a real database file.
/// </summary>
public sealed class SqliteWriterTests : IAsyncLifetime
{
    private TempSqliteDb _temp = null!;

    private Db Db => _temp.Db;

    public async ValueTask InitializeAsync()
    {
        _temp = await TempSqliteDb.CreateAsync(migrate: false, Ct);
        await Write((conn, tx) => conn.ExecuteAsync(
            "CREATE TABLE IF NOT EXISTS items (name TEXT PRIMARY KEY, n INTEGER NOT NULL)", transaction: tx));
    }

    public ValueTask DisposeAsync() => _temp.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task<T> Write<T>(Func<DbConnection, DbTransaction, Task<T>> work) => Db.WriteAsync(work, Ct);

    private Task Write(Func<DbConnection, DbTransaction, Task> work) => Db.WriteAsync(work, Ct);

    private static Task<int> Insert(DbConnection conn, DbTransaction tx, string name, long n = 0) =>
        conn.ExecuteAsync("INSERT INTO items (name, n) VALUES (@name, @n)", new { name, n }, tx);

    private Task<List<string>> Names() =>
        Db.ReadAsync(async conn => (await conn.QueryAsync<string>("SELECT name FROM items ORDER BY name")).ToList(), Ct);

    /// <summary>
    /// Starts a unit that holds the writer until <paramref name="queued"/> is set, then a little longer, so the units
    /// queued meanwhile run together in the next batch.
    /// </summary>
    private Task HoldWriter(TaskCompletionSource queued) => Write(async (conn, tx) =>
    {
        await Insert(conn, tx, "holder");
        await queued.Task;
        await Task.Delay(50, Ct);
    });

    [Fact]
    public async Task A_failing_unit_is_rolled_back_alone_and_its_batch_mates_commit()
    {
        var queued = new TaskCompletionSource();
        var holder = HoldWriter(queued);
        var failing = Write(async (conn, tx) =>
        {
            await Insert(conn, tx, "failing");
            throw new InvalidOperationException("unit failed");
        });
        var fine = Write(async (conn, tx) =>
        {
            await Insert(conn, tx, "fine");
            return 42;
        });
        queued.SetResult();

        await holder;
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => failing);
        Assert.Equal("unit failed", ex.Message);
        Assert.Equal(42, await fine);
        Assert.Equal(["fine", "holder"], await Names());
    }

    [Fact]
    public async Task A_unit_is_not_reported_done_before_the_commit_it_shares()
    {
        var queued = new TaskCompletionSource();
        var holder = HoldWriter(queued);
        var first = Write((conn, tx) => Insert(conn, tx, "first"));
        var firstDoneWhileSecondRan = true;
        var second = Write(async (conn, tx) =>
        {
            await Insert(conn, tx, "second");
            // Yield so that a completion the writer had (wrongly) handed out would have had time to run.
            await Task.Delay(20, Ct);
            firstDoneWhileSecondRan = first.IsCompleted;
        });
        queued.SetResult();

        await Task.WhenAll(holder, first, second);
        Assert.False(firstDoneWhileSecondRan);
        Assert.Equal(["first", "holder", "second"], await Names());
    }

    [Fact]
    public async Task When_the_shared_transaction_is_lost_every_unit_in_it_fails_and_nothing_is_written()
    {
        var queued = new TaskCompletionSource();
        var holder = HoldWriter(queued);
        var bystander = Write((conn, tx) => Insert(conn, tx, "bystander"));
        // Ends the transaction under the writer's feet, as SQLite does by itself on a full disk or an I/O error.
        var saboteur = Write((conn, tx) =>
        {
            Assert.Equal(SQLitePCL.raw.SQLITE_OK, SQLitePCL.raw.sqlite3_exec(((SqliteConnection)conn).Handle, "ROLLBACK"));
            return Task.CompletedTask;
        });
        queued.SetResult();

        await holder;
        await Assert.ThrowsAsync<SqliteException>(() => bystander);
        await Assert.ThrowsAsync<SqliteException>(() => saboteur);
        Assert.Equal(["holder"], await Names());

        // The writer starts over on a fresh connection.
        await Write((conn, tx) => Insert(conn, tx, "after"));
        Assert.Equal(["after", "holder"], await Names());
    }

    [Fact]
    public async Task Cached_statements_bind_each_call_afresh_including_expanded_lists_and_nested_readers()
    {
        await Write(async (conn, tx) =>
        {
            for (var i = 0; i < 5; i++) await Insert(conn, tx, $"n{i}", i);
        });

        var results = await Write(async (conn, tx) =>
        {
            const string sql = "SELECT n FROM items WHERE name = @name";
            var one = await conn.QuerySingleAsync<long>(sql, new { name = "n1" }, tx);
            var three = await conn.QuerySingleAsync<long>(sql, new { name = "n3" }, tx);
            // Dapper turns a list into one placeholder per item: two lengths, two statements.
            var two = (await conn.QueryAsync<long>("SELECT n FROM items WHERE name IN @names ORDER BY n", new { names = new[] { "n0", "n4" } }, tx)).ToList();
            var three2 = (await conn.QueryAsync<long>("SELECT n FROM items WHERE name IN @names ORDER BY n", new { names = new[] { "n0", "n2", "n4" } }, tx)).ToList();
            // The same SQL again while its first reader is still open gets a statement of its own.
            var nested = new List<long>();
            foreach (var outer in conn.Query<long>("SELECT n FROM items WHERE n < @max ORDER BY n", new { max = 2 }, tx, buffered: false))
                nested.Add(outer * 10 + conn.Query<long>("SELECT n FROM items WHERE n < @max ORDER BY n", new { max = 1 }, tx).Single());
            return (one, three, two, three2, nested);
        });

        Assert.Equal(1, results.one);
        Assert.Equal(3, results.three);
        Assert.Equal([0L, 4L], results.two);
        Assert.Equal([0L, 2L, 4L], results.three2);
        Assert.Equal([0L, 10L], results.nested);
    }

    [Fact]
    public async Task A_statement_missing_a_parameter_still_fails_even_when_an_earlier_call_bound_it()
    {
        await Write((conn, tx) => Insert(conn, tx, "a", 1));
        // A cached statement keeps its last bindings after a reset; the command must still insist on every parameter.
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => Write((conn, tx) =>
        {
            using var command = conn.CreateCommand();
            command.Transaction = tx;
            command.CommandText = "INSERT INTO items (name, n) VALUES (@name, @n)";
            var name = command.CreateParameter();
            name.ParameterName = "@name";
            name.Value = "b";
            command.Parameters.Add(name);
            return command.ExecuteNonQueryAsync(Ct);
        }));
        Assert.Contains("@n", ex.Message, StringComparison.Ordinal);
        Assert.Equal(["a"], await Names());
    }

    [Fact]
    public async Task Writes_and_scalars_through_sqlite_s_own_api_bind_and_read_values_as_microsoft_data_sqlite_does()
    {
        await Write((conn, tx) => conn.ExecuteAsync(
            "CREATE TABLE IF NOT EXISTS typed (id TEXT PRIMARY KEY, flag BOOLEAN, big INTEGER, ratio REAL, data BLOB, note TEXT)", transaction: tx));
        var result = await Write(async (conn, tx) =>
        {
            const string insert = "INSERT INTO typed (id, flag, big, ratio, data, note) VALUES (@id, @flag, @big, @ratio, @data, @note)";
            var first = await conn.ExecuteAsync(insert, new { id = "a", flag = true, big = long.MaxValue, ratio = 0.5, data = new byte[] { 1, 2, 3 }, note = "é ✓" }, tx);
            var second = await conn.ExecuteAsync(insert, new { id = "b", flag = false, big = 7, ratio = 1.5, data = (byte[]?)null, note = (string?)null }, tx);
            var updated = await conn.ExecuteAsync("UPDATE typed SET big = big + 1 WHERE id = @id AND big < @max", new { id = "b", max = 100 }, tx);
            var none = await conn.ExecuteAsync("UPDATE typed SET big = 0 WHERE id = @id", new { id = "missing" }, tx);
            var returned = await conn.ExecuteScalarAsync<string>("UPDATE typed SET note = @note WHERE id = @id RETURNING note", new { id = "b", note = "set" }, tx);
            var noRow = await conn.ExecuteScalarAsync<string?>("UPDATE typed SET note = 'x' WHERE id = @id RETURNING note", new { id = "missing" }, tx);
            var flag = await conn.ExecuteScalarAsync<bool>("SELECT flag FROM typed WHERE id = @id", new { id = "a" }, tx);
            var big = await conn.ExecuteScalarAsync<long>("SELECT big FROM typed WHERE id = @id", new { id = "a" }, tx);
            var ratio = await conn.ExecuteScalarAsync<double>("SELECT ratio FROM typed WHERE id = @id", new { id = "a" }, tx);
            var data = await conn.ExecuteScalarAsync<byte[]>("SELECT data FROM typed WHERE id = @id", new { id = "a" }, tx);
            var note = await conn.ExecuteScalarAsync<string>("SELECT note FROM typed WHERE id = @id", new { id = "a" }, tx);
            var nullData = await conn.ExecuteScalarAsync<byte[]?>("SELECT data FROM typed WHERE id = @id", new { id = "b" }, tx);
            var small = await conn.ExecuteScalarAsync<long>("SELECT big FROM typed WHERE id = @id", new { id = "b" }, tx);
            return (first, second, updated, none, returned, noRow, flag, big, ratio, data, note, nullData, small);
        });

        Assert.Equal((1, 1, 1, 0), (result.first, result.second, result.updated, result.none));
        Assert.Equal("set", result.returned);
        Assert.Null(result.noRow);
        Assert.True(result.flag);
        Assert.Equal(long.MaxValue, result.big);
        Assert.Equal(0.5, result.ratio);
        Assert.Equal([1, 2, 3], result.data);
        Assert.Equal("é ✓", result.note);
        Assert.Null(result.nullData);
        Assert.Equal(8, result.small);

        // A constraint failure surfaces as the same SqliteException, extended code included.
        var ex = await Assert.ThrowsAsync<SqliteException>(() => Write((conn, tx) =>
            conn.ExecuteAsync("INSERT INTO typed (id) VALUES (@id)", new { id = "a" }, tx)));
        Assert.True(UniqueViolation.Is(ex), $"{ex.SqliteErrorCode}/{ex.SqliteExtendedErrorCode}: {ex.Message}");
    }

    [Fact]
    public async Task A_writer_that_cannot_begin_a_transaction_fails_its_units_instead_of_spinning()
    {
        // A read-only connection cannot BEGIN IMMEDIATE: every batch fails before it takes a unit.
        await using var writer = new SqliteWriter($"Data Source={_temp.Path};Mode=ReadOnly;Pooling=False");
        var units = Enumerable.Range(0, 3).Select(i => writer.RunAsync((conn, tx) => Insert(conn, tx, $"never-{i}"), Ct)).ToList();

        foreach (var unit in units)
            await Assert.ThrowsAsync<SqliteException>(() => unit.WaitAsync(TimeSpan.FromMinutes(1), Ct));
        Assert.Empty(await Names());
    }
}
