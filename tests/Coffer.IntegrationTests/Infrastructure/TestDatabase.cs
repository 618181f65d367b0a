using Npgsql;

namespace Coffer.IntegrationTests.Infrastructure;

/// <summary>
/// The database a test server runs on. With COFFER_TEST_POSTGRES set (a key=value connection string to a server
/// the tests may create databases on), every server gets its own fresh PostgreSQL database; otherwise SQLite.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly string? _adminConnectionString;

    private TestDatabase(string? connectionUri, string? adminConnectionString, string? name, string sqlitePath)
    {
        ConnectionUri = connectionUri;
        _adminConnectionString = adminConnectionString;
        Name = name;
        SqlitePath = sqlitePath;
    }

    public static string? PostgresAdmin => Environment.GetEnvironmentVariable("COFFER_TEST_POSTGRES") is { Length: > 0 } v ? v : null;

    public static bool IsPostgres => PostgresAdmin is not null;

    /// <summary>Null for SQLite: the server then uses its embedded default.</summary>
    public string? ConnectionUri { get; }

    public string? Name { get; }

    public string SqlitePath { get; }

    /// <summary>A fresh database: on the PostgreSQL server <paramref name="postgresAdmin"/> names, or SQLite when null.</summary>
    public static async Task<TestDatabase> CreateAsync(string dataDir, string? postgresAdmin)
    {
        var sqlitePath = Path.Combine(dataDir, "coffer.db");
        if (postgresAdmin is not { } admin) return new TestDatabase(null, null, null, sqlitePath);

        var name = "coffer_test_" + Guid.NewGuid().ToString("N")[..16];
        await using (var conn = new NpgsqlConnection(admin))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE {name}", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        var b = new NpgsqlConnectionStringBuilder(admin);
        var uri = $"postgres://{Uri.EscapeDataString(b.Username ?? "postgres")}:{Uri.EscapeDataString(b.Password ?? "")}@{b.Host}:{b.Port}/{name}?sslmode=disable";
        return new TestDatabase(uri, admin, name, sqlitePath);
    }

    public static Task<TestDatabase> CreateAsync(string dataDir) => CreateAsync(dataDir, PostgresAdmin);

    /// <summary>Runs one statement against this database directly (SQLite file or PostgreSQL), bypassing Coffer.</summary>
    public async Task<int> ExecuteAsync(string sql)
    {
        await using var conn = OpenDirect();
        await conn.OpenAsync();
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        return await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>Runs one query against this database directly, bypassing Coffer.</summary>
    public async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object? args = null)
    {
        await using var conn = OpenDirect();
        await conn.OpenAsync();
        return Dapper.SqlMapper.AsList(await Dapper.SqlMapper.QueryAsync<T>(conn, sql, args));
    }

    private System.Data.Common.DbConnection OpenDirect()
    {
        if (_adminConnectionString is null) return new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={SqlitePath};Pooling=False");
        return new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_adminConnectionString) { Database = Name, Pooling = false }.ConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        if (_adminConnectionString is null || Name is null) return;
        NpgsqlConnection.ClearAllPools();
        await using var conn = new NpgsqlConnection(_adminConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", conn);
        await cmd.ExecuteNonQueryAsync();
    }
}
