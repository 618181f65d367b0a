using Coffer.IntegrationTests.Infrastructure;
using Coffer.IntegrationTests.MultiInstance;

namespace Coffer.IntegrationTests.DynamicSecrets;

/// <summary>
/// The revoker as operators meet it, on real <c>coffer-server</c> processes: its state is the database, so a lease that
/// fell due while the server was down (killed with SIGKILL) is revoked after the restart without any request. "Time
/// passes" by moving the lease's expiry into the past in the database while no server runs, rather than by waiting.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class LeaseRevokerProcessTests(TargetPostgres target) : IClassFixture<TargetPostgres>, IAsyncLifetime
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("coffer-revoker-").FullName;
    private TestDatabase _database = null!;

    public async ValueTask InitializeAsync() => _database = await TestDatabase.CreateAsync(_dataDir);

    public async ValueTask DisposeAsync()
    {
        await _database.DisposeAsync();
        Directory.Delete(_dataDir, recursive: true);
    }

    [Fact]
    public async Task A_lease_that_expired_while_the_server_was_killed_is_revoked_after_the_restart_without_a_request()
    {
        var env = ServerProcess.SharedEnvironment(_database.ConnectionUri, _dataDir);
        env["DYNAMIC_SECRET_ALLOW_INTERNAL_IP"] = "true";
        string user;
        await using (var first = await ServerProcess.StartAsync(env))
        {
            var given = await Given.BootstrapAsync(first.Http);
            var project = await given.TestProjectAsync();
            user = await LeaseSetup.CreateAndLeaseAsync(new Api(first.Http), given.AdminToken, project.Slug, target.Port);
            Assert.Equal(1, await target.RolesNamedAsync(user));
            Assert.Equal(137, await first.KillAsync());
        }

        Assert.Equal(1, await _database.ExecuteAsync("UPDATE dynamic_secret_leases SET expire_at = 1, next_attempt_at = 1"));
        Assert.Equal(1, await target.RolesNamedAsync(user)); // nothing revoked it while the server was down

        await using var second = await ServerProcess.StartAsync(env);
        await LeaseSetup.WaitUntilAsync(async () => await target.RolesNamedAsync(user) == 0);
        await LeaseSetup.WaitUntilAsync(async () => (await _database.QueryAsync<long>("SELECT COUNT(*) FROM dynamic_secret_leases"))[0] == 0);
    }
}

/// <summary>Two instances on one PostgreSQL database, both running the revoker over the same leases.</summary>
public sealed class DynamicSecretTwoInstances : TwoInstancesFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings =>
        new Dictionary<string, string?> { ["DYNAMIC_SECRET_ALLOW_INTERNAL_IP"] = "true" };
}

[Collection(SerialCollection.Name)]
public sealed class TwoRevokersTests(DynamicSecretTwoInstances fx, TargetPostgres target)
    : IClassFixture<DynamicSecretTwoInstances>, IClassFixture<TargetPostgres>
{
    [Fact]
    public async Task Two_instances_on_one_database_revoke_each_due_lease_exactly_once()
    {
        RequiresPostgres.Check();
        var project = await fx.Given.TestProjectAsync();
        var users = new List<string>();
        // The dynamic secret through A, leases through A and B alternately.
        users.Add(await LeaseSetup.CreateAndLeaseAsync(fx.ApiA, fx.Given.AdminToken, project.Slug, target.Port));
        for (var i = 1; i < 12; i++)
            users.Add(await LeaseSetup.LeaseAsync(i % 2 == 0 ? fx.ApiA : fx.ApiB, fx.Given.AdminToken, project.Slug));
        foreach (var user in users) Assert.Equal(1, await target.RolesNamedAsync(user));

        Assert.Equal(users.Count, await fx.Database.ExecuteAsync("UPDATE dynamic_secret_leases SET expire_at = 1, next_attempt_at = 1"));
        await LeaseSetup.WaitUntilAsync(async () => (await fx.Database.QueryAsync<long>("SELECT COUNT(*) FROM dynamic_secret_leases"))[0] == 0);

        foreach (var user in users) Assert.Equal(0, await target.RolesNamedAsync(user));
        var revocations = await fx.Database.QueryAsync<string>(
            "SELECT event_metadata FROM audit_logs WHERE event_type = 'delete-dynamic-secret-lease'");
        var byLease = revocations.Select(m => System.Text.Json.Nodes.JsonNode.Parse(m)!["leaseExternalEntityId"]!.GetValue<string>())
            .GroupBy(u => u).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(users.Order(StringComparer.Ordinal), byLease.Keys.Order(StringComparer.Ordinal));
        Assert.All(byLease.Values, n => Assert.Equal(1, n));
    }
}

internal static class LeaseSetup
{
    public static async Task<string> CreateAndLeaseAsync(Api api, string token, string projectSlug, int port)
    {
        Expect.Ok(await api.PostAsync("/api/v1/dynamic-secrets", new
        {
            projectSlug,
            environmentSlug = "dev",
            path = "/",
            name = "pg",
            defaultTTL = "1h",
            provider = new
            {
                type = "sql-database",
                inputs = new { client = "postgres", host = "127.0.0.1", port, database = "postgres", username = "postgres", password = TargetPostgres.RootPassword },
            },
        }, token));
        return await LeaseAsync(api, token, projectSlug);
    }

    public static async Task<string> LeaseAsync(Api api, string token, string projectSlug)
    {
        var lease = await api.PostAsync("/api/v1/dynamic-secrets/leases",
            new { projectSlug, environmentSlug = "dev", path = "/", dynamicSecretName = "pg" }, token);
        Expect.Ok(lease);
        return lease.Json["data"]!["DB_USERNAME"]!.GetValue<string>();
    }

    /// <summary>The revoker looks every second; how long it takes depends on the machine, so wait for the outcome, generously.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (!await done())
        {
            Assert.True(DateTime.UtcNow < deadline, "the revoker did not revoke the due leases within 90 s");
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
    }
}
