using Coffer.Server.Data;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.IntegrationTests.Infrastructure;

/// <summary>Reads the server's database directly, to prove what an API call did (or did not) change.</summary>
public static class Rows
{
    public static Task<long> CountAsync(TestServer server, string sql, object? args = null) =>
        server.Services.GetRequiredService<Db>().ReadAsync(conn => conn.ExecuteScalarAsync<long>(sql, args));

    public static Task<IReadOnlyList<T>> QueryAsync<T>(TestServer server, string sql, object? args = null) =>
        server.Services.GetRequiredService<Db>().ReadAsync(async conn => (IReadOnlyList<T>)(await conn.QueryAsync<T>(sql, args)).AsList());
}
