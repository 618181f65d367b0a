using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.MultiInstance;

/// <summary>
/// Two real <c>coffer-server</c> processes (A and B) on different ports sharing one fresh PostgreSQL database and the
/// same keys: one Coffer as far as clients can tell. Both start at the same moment, so they also race to migrate.
/// In the SQLite phase nothing starts and the tests skip.
/// </summary>
public class TwoInstancesFixture : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("coffer-two-").FullName;
    private TestDatabase? _database;

    public ServerProcess A { get; private set; } = null!;
    public ServerProcess B { get; private set; } = null!;
    public Api ApiA { get; private set; } = null!;
    public Api ApiB { get; private set; } = null!;

    /// <summary>The database both share, for checking what they wrote.</summary>
    public TestDatabase Database => _database ?? throw new InvalidOperationException("Only in the PostgreSQL phase.");

    /// <summary>Set-up helpers; they talk to A.</summary>
    public Given Given { get; private set; } = null!;

    protected virtual IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>();

    public async ValueTask InitializeAsync()
    {
        if (!TestDatabase.IsPostgres) return;
        _database = await TestDatabase.CreateAsync(_root);
        var started = await Task.WhenAll(new[] { "a", "b" }.Select(name =>
        {
            var dataDir = Directory.CreateDirectory(Path.Combine(_root, name)).FullName;
            var env = ServerProcess.SharedEnvironment(_database.ConnectionUri, dataDir);
            foreach (var (key, value) in Settings) env[key] = value;
            return ServerProcess.StartAsync(env);
        }));
        (A, B) = (started[0], started[1]);
        ApiA = new Api(A.Http);
        ApiB = new Api(B.Http);
        Given = await Given.BootstrapAsync(A.Http);
    }

    public async ValueTask DisposeAsync()
    {
        if (A is not null) await A.DisposeAsync();
        if (B is not null) await B.DisposeAsync();
        if (_database is not null) await _database.DisposeAsync();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
        GC.SuppressFinalize(this);
    }
}
