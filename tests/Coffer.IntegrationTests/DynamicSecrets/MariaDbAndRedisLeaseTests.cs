using System.Text.Json.Nodes;
using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.DynamicSecrets;

/// <summary>
/// The <c>sql-database</c> provider's <c>mysql2</c> client against a real MariaDB, and the <c>redis</c> provider against a
/// real Redis: lease, log in with the leased user and use it, revoke, and the login fails.
/// </summary>
public sealed class MariaDbAndRedisLeaseTests(DynamicSecretServer fx, TargetMariaDb mariaDb, TargetRedis redis)
    : IClassFixture<DynamicSecretServer>, IClassFixture<TargetMariaDb>, IClassFixture<TargetRedis>
{
    private const string Root = "/api/v1/dynamic-secrets";

    private Api Api => fx.Api;

    private async Task<(TestProject Project, JsonObject Lease)> CreateAndLeaseAsync(string type, object inputs)
    {
        var project = await fx.Given.TestProjectAsync();
        var created = await Api.PostAsync(Root, new
        {
            projectSlug = project.Slug,
            environmentSlug = "dev",
            path = "/",
            name = "db",
            defaultTTL = "1h",
            provider = new { type, inputs },
        }, fx.AdminToken);
        Expect.Ok(created);
        Assert.Equal("", created.Json["dynamicSecret"]!["inputs"]!["password"]!.GetValue<string>());
        var lease = await Api.PostAsync($"{Root}/leases", new { projectSlug = project.Slug, environmentSlug = "dev", path = "/", dynamicSecretName = "db" },
            fx.AdminToken);
        Expect.Ok(lease);
        return (project, lease.Json);
    }

    private async Task RevokeAsync(TestProject project, JsonObject leased) =>
        Expect.Ok(await Api.DeleteAsync($"{Root}/leases/{leased["lease"]!["id"]!.GetValue<string>()}", fx.AdminToken,
            new { projectSlug = project.Slug, environmentSlug = "dev", path = "/" }));

    [Fact]
    public async Task A_MariaDB_user_is_leased_reads_the_database_and_is_dropped_on_revocation()
    {
        // No statements given: Coffer's defaults for the mysql2 client (create, grant SELECT on the database, drop).
        var (project, leased) = await CreateAndLeaseAsync("sql-database", new
        {
            client = "mysql2",
            host = "127.0.0.1",
            port = mariaDb.Port,
            database = "app",
            username = "root",
            password = TargetPostgres.RootPassword,
        });
        var user = leased["data"]!["DB_USERNAME"]!.GetValue<string>();
        var password = leased["data"]!["DB_PASSWORD"]!.GetValue<string>();
        Assert.Null(await mariaDb.LoginErrorAsync(user, password));
        Assert.Equal(1045, await mariaDb.LoginErrorAsync(user, password + "x")); // access denied: the server checks passwords

        await RevokeAsync(project, leased);
        Assert.Equal(1045, await mariaDb.LoginErrorAsync(user, password));
        Assert.Equal(0, await mariaDb.UsersNamedAsync(user));
    }

    [Fact]
    public async Task A_Redis_ACL_user_is_leased_writes_and_reads_and_is_deleted_on_revocation()
    {
        var (project, leased) = await CreateAndLeaseAsync("redis", new
        {
            host = "127.0.0.1",
            port = redis.Port,
            username = "default",
            password = TargetPostgres.RootPassword,
            creationStatement = "ACL SETUSER {{username}} on >{{password}} ~leased +get +set +ping +hello +client +info +cluster +echo",
            revocationStatement = "ACL DELUSER {{username}}",
        });
        var user = leased["data"]!["DB_USERNAME"]!.GetValue<string>();
        var password = leased["data"]!["DB_PASSWORD"]!.GetValue<string>();
        Assert.Equal(64, password.Length);
        Assert.True(await redis.UserExistsAsync(user));
        Assert.Null(await redis.LoginErrorAsync(user, password));

        await RevokeAsync(project, leased);
        Assert.False(await redis.UserExistsAsync(user));
        Assert.Equal("AuthenticationFailure", await redis.LoginErrorAsync(user, password));
    }

    [Fact]
    public async Task A_Redis_root_password_that_is_wrong_is_a_400_that_does_not_echo_it()
    {
        var project = await fx.Given.TestProjectAsync();
        var r = await Api.PostAsync(Root, new
        {
            projectSlug = project.Slug,
            environmentSlug = "dev",
            path = "/",
            name = "wrong",
            defaultTTL = "1h",
            provider = new { type = "redis", inputs = new { host = "127.0.0.1", port = redis.Port, username = "default", password = "wrong-password-here" } },
        }, fx.AdminToken);
        Assert.Equal(400, r.Code);
        Assert.StartsWith("Failed to connect with provider: ", r.Json["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-password-here", r.RawBody, StringComparison.Ordinal);
    }
}
