namespace Coffer.IntegrationTests.Infrastructure;

/// <summary>One bootstrapped server shared by the tests of a class; tests create their own identities and projects.</summary>
public class ServerFixture : IAsyncLifetime
{
    private TestServer? _server;

    public TestServer Server => _server ?? throw new InvalidOperationException("fixture not started");

    public Api Api { get; private set; } = null!;

    public Given Given { get; private set; } = null!;

    public string AdminToken => Given.AdminToken;

    public string OrgId => Given.OrgId;

    protected virtual IDictionary<string, string?>? Settings => null;

    public async ValueTask InitializeAsync()
    {
        _server = await TestServer.StartAsync(Settings);
        Api = new Api(_server.Http);
        Given = await Given.BootstrapAsync(_server);
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
