using Coffer.IntegrationTests.Infrastructure;
using Npgsql;

namespace Coffer.IntegrationTests.DynamicSecrets;

/// <summary>
/// A server that may reach providers and identity providers on loopback (DYNAMIC_SECRET_ALLOW_INTERNAL_IP and
/// ALLOW_INTERNAL_IP_CONNECTIONS), as a self-hosted one set up so.
/// </summary>
public sealed class DynamicSecretServer : ServerFixture
{
    protected override IDictionary<string, string?>? Settings => new Dictionary<string, string?>
    {
        ["DYNAMIC_SECRET_ALLOW_INTERNAL_IP"] = "true",
        ["ALLOW_INTERNAL_IP_CONNECTIONS"] = "true",
    };
}

/// <summary>
/// The PostgreSQL server leases are made in: a throw-away one from Debian's packages that asks for passwords, so a
/// leased user's login shows its password works and a revoked one's shows it no longer does.
/// </summary>
public sealed class TargetPostgres : IAsyncLifetime
{
    public const string RootPassword = "root-Pa55word-for-tests";

    private ThrowAwayPostgres? _server;

    public int Port => _server!.Port;

    /// <summary>Stops the server (an outage of the provider); its data stays.</summary>
    public Task StopAsync() => _server!.StopAsync();

    public Task StartAgainAsync() => _server!.StartAgainAsync();

    public async ValueTask InitializeAsync() => _server = await ThrowAwayPostgres.StartAsync(RootPassword);

    public async ValueTask DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
    }

    public string ConnectionString(string user, string password, string database = "postgres") =>
        $"Host=127.0.0.1;Port={Port};Username={user};Password={password};Database={database};Pooling=false;Timeout=10";

    /// <summary>Logs in as <paramref name="user"/> and runs a query; null when it worked, else the server's refusal.</summary>
    public async Task<string?> LoginErrorAsync(string user, string password)
    {
        try
        {
            await using var conn = new NpgsqlConnection(ConnectionString(user, password));
            await conn.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT current_user", conn);
            Assert.Equal(user, await command.ExecuteScalarAsync());
            return null;
        }
        catch (PostgresException ex)
        {
            return ex.SqlState;
        }
    }

    public async Task<long> RolesNamedAsync(string name)
    {
        await using var conn = new NpgsqlConnection(ConnectionString("postgres", RootPassword));
        await conn.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT COUNT(*) FROM pg_roles WHERE rolname = @name", conn);
        command.Parameters.AddWithValue("name", name);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public async Task<long> RoleCountAsync()
    {
        await using var conn = new NpgsqlConnection(ConnectionString("postgres", RootPassword));
        await conn.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT COUNT(*) FROM pg_roles", conn);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
