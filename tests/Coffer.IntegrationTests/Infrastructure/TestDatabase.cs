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

    public static async Task<TestDatabase> CreateAsync(string dataDir)
    {
        var sqlitePath = Path.Combine(dataDir, "coffer.db");
        if (PostgresAdmin is not { } admin) return new TestDatabase(null, null, null, sqlitePath);

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
