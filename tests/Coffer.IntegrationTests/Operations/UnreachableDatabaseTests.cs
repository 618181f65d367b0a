using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Coffer.IntegrationTests.Infrastructure;
using Coffer.Server.Features.AccessTokens;
using Coffer.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.IntegrationTests.Operations;

/// <summary>
/// Issue 5.5 without a real outage: PostgreSQL that refuses connections, and one that accepts them and never
/// answers. Either way a request that needs the database gets the 503 envelope within 5 s, and the server keeps
/// serving what does not need it. Needs no PostgreSQL, so it runs in both phases.
/// </summary>
public sealed class UnreachableDatabaseTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task A_database_that_refuses_connections_gets_a_503_at_once()
    {
        var port = ClosedPort();
        await using var app = await StartWithoutMigratingAsync($"postgres://coffer:pw@127.0.0.1:{port}/coffer");
        await ExpectUnavailableWithinBoundAsync(app);
    }

    [Fact]
    public async Task A_database_that_never_answers_gets_a_503_within_5_seconds()
    {
        // Accepts TCP connections and says nothing: a paused server, or a network that drops packets.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var held = new List<TcpClient>();
        using var cts = new CancellationTokenSource();
        var accepting = Task.Run(async () =>
        {
            while (!cts.IsCancellationRequested)
                held.Add(await silent.AcceptTcpClientAsync(cts.Token));
        }, TestContext.Current.CancellationToken);
        try
        {
            await using var app = await StartWithoutMigratingAsync($"postgres://coffer:pw@127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}/coffer");
            await ExpectUnavailableWithinBoundAsync(app);
        }
        finally
        {
            await cts.CancelAsync();
            try
            {
                await accepting;
            }
            catch (OperationCanceledException)
            {
            }
            foreach (var client in held) client.Dispose();
        }
    }

    private static async Task ExpectUnavailableWithinBoundAsync(WebApplication app)
    {
        using var http = new HttpClient { BaseAddress = Address(app), Timeout = TimeSpan.FromSeconds(30) };
        var api = new Api(http);
        // A well-signed token, so the request gets past the signature check to the database lookup.
        var token = app.Services.GetRequiredService<TokenSigner>().Sign(Guid.NewGuid().ToString(), Guid.NewGuid().ToString(), null, 3600);
        foreach (var attempt in new Func<Task<ApiResponse>>[]
        {
            () => api.PostAsync("/api/v1/auth/universal-auth/login", new { clientId = "x", clientSecret = "y" }),
            () => api.GetAsync("/api/v1/projects", token),
        })
        {
            var clock = Stopwatch.StartNew();
            var r = await attempt();
            clock.Stop();
            Expect.Error(r, 503, "DatabaseUnavailable", "The database is unavailable. Please try again shortly.");
            Assert.True(clock.Elapsed < Bound, $"the 503 took {clock.Elapsed.TotalSeconds:F1} s");
        }

        // What needs no database keeps answering.
        Expect.Ok(await api.GetAsync("/api/status"));
    }

    private static async Task<WebApplication> StartWithoutMigratingAsync(string databaseUri)
    {
        var dataDir = Directory.CreateTempSubdirectory("coffer-unreachable-").FullName;
        var options = SettingsLoader.Load(new Dictionary<string, string?>
        {
            ["HOST"] = "127.0.0.1",
            ["PORT"] = "0",
            ["COFFER_DATA_DIR"] = dataDir,
            ["AUTH_SECRET"] = TestServer.AuthSecret,
            ["ROOT_ENCRYPTION_KEY"] = TestServer.RootEncryptionKey,
            ["DB_CONNECTION_URI"] = databaseUri,
        });
        var app = CofferApp.Build(options);
        await app.StartAsync();
        return app;
    }

    private static Uri Address(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()
            .Replace("[::]", "127.0.0.1", StringComparison.Ordinal));

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
