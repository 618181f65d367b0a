using System.Text;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Coffer.IntegrationTests.Infrastructure;

/// <summary>Scans everything the database stored for canary strings: the SQLite file and its WAL, or a full PostgreSQL dump.</summary>
public static class DatabaseBytes
{
    public static async Task AssertAbsentAsync(TestServer server, params string[] canaries) => AssertAbsent(await ReadAllAsync(server), canaries);

    /// <summary>The same scan over one file (a backup).</summary>
    public static async Task AssertAbsentInFileAsync(string path, params string[] canaries) =>
        AssertAbsent([(Path.GetFileName(path), await File.ReadAllBytesAsync(path))], canaries);

    private static void AssertAbsent(List<(string Name, byte[] Bytes)> haystacks, string[] canaries)
    {
        foreach (var canary in canaries)
        {
            var raw = Encoding.UTF8.GetBytes(canary);
            // PostgreSQL prints bytea as hex, so a plaintext canary in a bytea column shows up in that form.
            var hex = Encoding.ASCII.GetBytes(Convert.ToHexStringLower(raw));
            foreach (var (name, bytes) in haystacks)
            {
                Assert.False(bytes.AsSpan().IndexOf(raw) >= 0, $"'{canary[..Math.Min(8, canary.Length)]}…' found in plaintext in {name}");
                Assert.False(bytes.AsSpan().IndexOf(hex) >= 0, $"'{canary[..Math.Min(8, canary.Length)]}…' found hex-encoded in {name}");
            }
        }
    }

    private static async Task<List<(string Name, byte[] Bytes)>> ReadAllAsync(TestServer server)
    {
        var result = new List<(string, byte[])>();
        if (server.Database.ConnectionUri is null)
        {
            SqliteConnection.ClearAllPools();
            foreach (var file in Directory.GetFiles(server.DataDirectory, "coffer.db*"))
            {
                await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var ms = new MemoryStream();
                await stream.CopyToAsync(ms);
                result.Add((Path.GetFileName(file), ms.ToArray()));
            }
            return result;
        }

        // PostgreSQL: every row of every table, as text.
        var cs = new NpgsqlConnectionStringBuilder(TestDatabase.PostgresAdmin!) { Database = server.Database.Name }.ToString();
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        var tables = new List<string>();
        await using (var cmd = new NpgsqlCommand("SELECT tablename FROM pg_tables WHERE schemaname = 'public'", conn))
        await using (var reader = await cmd.ExecuteReaderAsync())
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        var sb = new StringBuilder();
        foreach (var table in tables)
        {
            await using var cmd = new NpgsqlCommand($"SELECT t::text FROM {table} t", conn);
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync()) sb.AppendLine(reader.GetString(0));
        }
        result.Add(("postgres dump", Encoding.UTF8.GetBytes(sb.ToString())));
        return result;
    }
}
