using Coffer.IntegrationTests.Infrastructure;
using MySqlConnector;
using StackExchange.Redis;

namespace Coffer.IntegrationTests.DynamicSecrets;

/// <summary>The MariaDB server leases are made in (scripts/mariadb-test-server.sh), with a database <c>app</c> and a table in it.</summary>
public sealed class TargetMariaDb : IAsyncLifetime
{
    private ScriptedServer? _server;

    public int Port => _server!.Port;

    public async ValueTask InitializeAsync() =>
        _server = await ScriptedServer.StartAsync("mariadb-test-server.sh", "COFFER_MARIADB", TargetPostgres.RootPassword);

    public async ValueTask DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
    }

    /// <summary>Logs in as <paramref name="user"/> and reads the table; null when it worked, else MariaDB's error number.</summary>
    public async Task<int?> LoginErrorAsync(string user, string password)
    {
        try
        {
            await using var conn = new MySqlConnection($"Server=127.0.0.1;Port={Port};User={user};Password={password};Database=app;Pooling=false");
            await conn.OpenAsync();
            await using var command = new MySqlCommand("SELECT name FROM items WHERE id = 1", conn);
            Assert.Equal("one", await command.ExecuteScalarAsync());
            return null;
        }
        catch (MySqlException ex)
        {
            return ex.Number;
        }
    }

    public async Task<long> UsersNamedAsync(string name)
    {
        await using var conn = new MySqlConnection($"Server=127.0.0.1;Port={Port};User=root;Password={TargetPostgres.RootPassword};Pooling=false");
        await conn.OpenAsync();
        await using var command = new MySqlCommand("SELECT COUNT(*) FROM mysql.user WHERE User = @name", conn);
        command.Parameters.AddWithValue("name", name);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}

/// <summary>The Redis server leases are made in (scripts/redis-test-server.sh): ACL users, the default user with a password.</summary>
public sealed class TargetRedis : IAsyncLifetime
{
    private ScriptedServer? _server;

    public int Port => _server!.Port;

    public async ValueTask InitializeAsync() =>
        _server = await ScriptedServer.StartAsync("redis-test-server.sh", "COFFER_REDIS", TargetPostgres.RootPassword);

    public async ValueTask DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
    }

    /// <summary>Logs in as <paramref name="user"/> and writes and reads a key; null when it worked, else why not.</summary>
    public async Task<string?> LoginErrorAsync(string user, string password)
    {
        try
        {
            var options = new ConfigurationOptions { EndPoints = { { "127.0.0.1", Port } }, User = user, Password = password, AbortOnConnectFail = true };
            await using var redis = await ConnectionMultiplexer.ConnectAsync(options);
            var db = redis.GetDatabase();
            await db.StringSetAsync("leased", "works");
            Assert.Equal("works", (string?)await db.StringGetAsync("leased"));
            return null;
        }
        catch (RedisConnectionException ex)
        {
            return ex.FailureType.ToString();
        }
    }

    public async Task<bool> UserExistsAsync(string name)
    {
        var options = new ConfigurationOptions
        {
            EndPoints = { { "127.0.0.1", Port } },
            Password = TargetPostgres.RootPassword,
            AllowAdmin = true,
            AbortOnConnectFail = true,
        };
        await using var redis = await ConnectionMultiplexer.ConnectAsync(options);
        var users = (RedisResult[])(await redis.GetDatabase().ExecuteAsync("ACL", "USERS"))!;
        return users.Any(u => (string?)u == name);
    }
}
