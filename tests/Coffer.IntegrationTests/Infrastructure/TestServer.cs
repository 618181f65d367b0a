using System.Net.Http.Headers;
using Coffer.Server.Data.Migrations;
using Coffer.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Coffer.IntegrationTests.Infrastructure;

/// <summary>
/// A real Coffer server on a loopback port with its own database: a fresh SQLite file, or a fresh PostgreSQL
/// database when COFFER_TEST_POSTGRES names a server. Tests talk to it over real HTTP.
/// </summary>
public sealed class TestServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TestDatabase _database;

    private TestServer(WebApplication app, TestDatabase database, string dataDir, FakeTimeProvider clock, CapturedLogs logs)
    {
        _app = app;
        _database = database;
        DataDirectory = dataDir;
        Clock = clock;
        Logs = logs;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        Http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public const string AuthSecret = "test-auth-secret-0123456789abcdef0123456789abcdef";

    public Uri BaseAddress { get; }
    public HttpClient Http { get; }
    public string DataDirectory { get; }

    /// <summary>The server's clock. It follows real time unless a test moves it (tokens, TTLs, temporary roles).</summary>
    public FakeTimeProvider Clock { get; }

    public CapturedLogs Logs { get; }

    public IServiceProvider Services => _app.Services;

    public TestDatabase Database => _database;

    /// <summary>Every route the server serves, as the routing table has them.</summary>
    public IReadOnlyList<Microsoft.AspNetCore.Routing.RouteEndpoint> Endpoints =>
        ((Microsoft.AspNetCore.Routing.IEndpointRouteBuilder)_app).DataSources
            .SelectMany(d => d.Endpoints).OfType<Microsoft.AspNetCore.Routing.RouteEndpoint>().ToList();

    public static readonly string RootEncryptionKey = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

    /// <summary>
    /// Starts a server. The auth rate limit (on by default in Coffer) is off here, because test classes log in far
    /// more than 60 times a minute from 127.0.0.1; rate-limit tests set it (a null value restores the default).
    /// <paramref name="postgresAdmin"/> puts the server on another PostgreSQL than COFFER_TEST_POSTGRES names.
    /// </summary>
    public static async Task<TestServer> StartAsync(IDictionary<string, string?>? settings = null, string? postgresAdmin = null)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "coffer-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDir);
        var database = await TestDatabase.CreateAsync(dataDir, postgresAdmin ?? TestDatabase.PostgresAdmin);
        var env = new Dictionary<string, string?>
        {
            ["HOST"] = "127.0.0.1",
            ["PORT"] = "0",
            ["COFFER_DATA_DIR"] = dataDir,
            ["AUTH_SECRET"] = AuthSecret,
            ["ROOT_ENCRYPTION_KEY"] = RootEncryptionKey,
            ["DB_CONNECTION_URI"] = database.ConnectionUri,
            ["RATE_LIMIT_AUTH"] = "0",
        };
        if (settings is not null)
            foreach (var (k, v) in settings) env[k] = v;

        var options = SettingsLoader.Load(env);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        clock.AutoAdvanceAmount = TimeSpan.Zero;
        var logs = new CapturedLogs();
        var app = CofferApp.Build(options, builder =>
        {
            builder.Services.Replace(ServiceDescriptor.Singleton<TimeProvider>(new RealTimeFollowingClock(clock)));
            builder.Logging.ClearProviders();
            builder.Logging.AddProvider(logs);
            // COFFER_TEST_LOG=1 shows the server's log while debugging a test.
            if (Environment.GetEnvironmentVariable("COFFER_TEST_LOG") == "1") builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        });
        await app.Services.GetRequiredService<Migrator>().MigrateAsync();
        await app.StartAsync();
        return new TestServer(app, database, dataDir, clock, logs);
    }

    /// <summary>Settings for a second server on this server's database (SQLite folder or PostgreSQL database), with a root key.</summary>
    public Dictionary<string, string?> SameDatabase(string? rootKey = null)
    {
        var settings = new Dictionary<string, string?> { ["ROOT_ENCRYPTION_KEY"] = rootKey ?? RootEncryptionKey };
        if (Database.ConnectionUri is { } uri) settings["DB_CONNECTION_URI"] = uri;
        else settings["COFFER_DATA_DIR"] = DataDirectory;
        return settings;
    }

    public HttpClient CreateClient(string? token = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (token is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _database.DisposeAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
