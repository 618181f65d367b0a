using System.Text.Json.Nodes;
using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.DynamicSecrets;

/// <summary>
/// A provider that is down when a lease falls due: the lease is not dropped from Coffer's books, it shows why it is
/// still there (<c>FailedDeletion</c> and the reason), the log names it, and the revoker tries again with backoff until
/// the provider is back and confirms.
/// </summary>
public sealed class ProviderOutageTests(DynamicSecretServer fx, TargetPostgres target)
    : IClassFixture<DynamicSecretServer>, IClassFixture<TargetPostgres>
{
    private const string Root = "/api/v1/dynamic-secrets";

    [Fact]
    public async Task A_lease_due_while_its_database_is_down_stays_shows_the_failure_and_is_revoked_once_the_database_is_back()
    {
        var project = await fx.Given.TestProjectAsync();
        var user = await LeaseSetup.CreateAndLeaseAsync(fx.Api, fx.AdminToken, project.Slug, target.Port);
        var leases = await fx.Api.GetAsync($"{Root}/pg/leases?projectSlug={project.Slug}&environmentSlug=dev&path=/", fx.AdminToken);
        var leaseId = Assert.Single(leases.Json["leases"]!.AsArray())!["id"]!.GetValue<string>();
        var leaseUrl = $"{Root}/leases/{leaseId}?projectSlug={project.Slug}&environmentSlug=dev&path=/";

        await target.StopAsync();
        fx.Server.Clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        JsonNode? lease = null;
        await LeaseSetup.WaitUntilAsync(async () =>
        {
            lease = (await fx.Api.GetAsync(leaseUrl, fx.AdminToken)).Json["lease"];
            return lease!["status"] is not null;
        });
        Assert.Equal("FailedDeletion", lease!["status"]!.GetValue<string>());
        Assert.StartsWith("Failed to revoke lease from provider: ", lease["statusDetails"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain(TargetPostgres.RootPassword, lease["statusDetails"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains(fx.Server.Logs.Lines, l => l.Contains($"Revoking dynamic-secret lease {leaseId} (sql-database) failed (attempt 1)", StringComparison.Ordinal));
        Assert.DoesNotContain(TargetPostgres.RootPassword, fx.Server.Logs.All, StringComparison.Ordinal);

        await target.StartAgainAsync();
        Assert.Equal(1, await target.RolesNamedAsync(user)); // not revoked, and not forgotten
        fx.Server.Clock.Advance(TimeSpan.FromSeconds(6)); // past the first retry's 5 s
        await LeaseSetup.WaitUntilAsync(async () => await target.RolesNamedAsync(user) == 0);
        await LeaseSetup.WaitUntilAsync(async () => (await fx.Api.GetAsync(leaseUrl, fx.AdminToken)).Code == 404);
    }

    [Fact]
    public async Task Deleting_a_dynamic_secret_whose_database_is_down_stops_unless_forced()
    {
        var project = await fx.Given.TestProjectAsync();
        var user = await LeaseSetup.CreateAndLeaseAsync(fx.Api, fx.AdminToken, project.Slug, target.Port);
        var at = new { projectSlug = project.Slug, environmentSlug = "dev", path = "/" };
        await target.StopAsync();
        try
        {
            Expect.Error(await fx.Api.DeleteAsync($"{Root}/pg", fx.AdminToken, at), 400, "BadRequest",
                "Failed to revoke 1 lease(s) of dynamic secret 'pg'; their status says why. Retry, or delete with isForced.");
            var leases = await fx.Api.GetAsync($"{Root}/pg/leases?projectSlug={project.Slug}&environmentSlug=dev&path=/", fx.AdminToken);
            Assert.Equal("FailedDeletion", Assert.Single(leases.Json["leases"]!.AsArray())!["status"]!.GetValue<string>());

            Expect.Ok(await fx.Api.DeleteAsync($"{Root}/pg", fx.AdminToken, new { at.projectSlug, at.environmentSlug, at.path, isForced = true }));
            Expect.Error(await fx.Api.GetAsync($"{Root}/pg?projectSlug={project.Slug}&environmentSlug=dev&path=/", fx.AdminToken),
                404, "NotFound", "Dynamic secret with name 'pg' in folder '/' not found");
        }
        finally
        {
            await target.StartAgainAsync();
        }
        Assert.Equal(1, await target.RolesNamedAsync(user)); // forced: the user the database still has is the operator's to drop
    }

    [Fact]
    public async Task Bad_input_is_refused_with_exact_answers_and_nothing_is_stored()
    {
        var project = await fx.Given.TestProjectAsync();
        object Body(object provider, string defaultTtl = "1h") => new
        {
            projectSlug = project.Slug,
            environmentSlug = "dev",
            path = "/",
            name = "bad",
            defaultTTL = defaultTtl,
            provider,
        };
        var inputs = new { client = "postgres", host = "127.0.0.1", port = target.Port, database = "postgres", username = "postgres", password = "x" };

        Expect.Error(await fx.Api.PostAsync(Root, Body(new { type = "aws-iam", inputs }), fx.AdminToken), 400, "BadRequest",
            "Coffer does not serve the 'aws-iam' dynamic secret provider; it serves redis and sql-database");
        var unknown = await fx.Api.PostAsync(Root, Body(new { type = "nosuch", inputs }), fx.AdminToken);
        Assert.Equal(422, unknown.Code);
        Assert.Equal("invalid_enum_value", unknown.Json["message"]![0]!["code"]!.GetValue<string>());
        Assert.Equal("""["provider","type"]""", unknown.Json["message"]![0]!["path"]!.ToJsonString());
        Expect.Validation(await fx.Api.PostAsync(Root, Body(new { type = "sql-database", inputs }, defaultTtl: "30s"), fx.AdminToken),
            new JsonObject { ["code"] = "custom", ["message"] = "TTL must be a greater than 1min", ["path"] = new JsonArray("defaultTTL") });
        Expect.Validation(await fx.Api.PostAsync(Root, Body(new { type = "sql-database", inputs = new { client = "oracledb", host = "h", port = 1521, database = "d", username = "u", password = "p" } }), fx.AdminToken),
            new JsonObject
            {
                ["code"] = "custom",
                ["message"] = "Coffer's sql-database provider serves the 'postgres' and 'mysql2' clients, not 'oracledb'",
                ["path"] = new JsonArray("provider", "inputs", "client"),
            });
        Expect.Error(await fx.Api.PostAsync(Root, Body(new
        {
            type = "sql-database",
            inputs = new
            {
                inputs.client,
                inputs.host,
                inputs.port,
                inputs.database,
                inputs.username,
                password = TargetPostgres.RootPassword,
                creationStatement = "CREATE USER \"{{username}}\" PASSWORD '{{password}}' {{constructor}}"
            },
        }), fx.AdminToken),
            400, "BadRequest", "Template sanitization failed: SQL creation");
        Expect.Error(await fx.Api.PostAsync(Root, new
        {
            projectSlug = project.Slug,
            environmentSlug = "dev",
            path = "/",
            name = "bad",
            defaultTTL = "2h",
            maxTTL = "1h",
            provider = new { type = "sql-database", inputs },
        }, fx.AdminToken),
            400, "BadRequest", "Default TTL cannot be larger than max TTL");

        var list = await fx.Api.GetAsync($"{Root}?projectSlug={project.Slug}&environmentSlug=dev&path=/", fx.AdminToken);
        Assert.Empty(list.Json["dynamicSecrets"]!.AsArray());
    }
}

/// <summary>A server as shipped: providers on private and loopback addresses are refused.</summary>
public sealed class InternalAddressTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task A_provider_on_a_loopback_or_private_address_is_refused_naming_the_setting_that_allows_it()
    {
        var project = await fx.Given.TestProjectAsync();
        foreach (var (host, shown) in new[] { ("127.0.0.1", "127.0.0.1"), ("10.1.2.3", "10.1.2.3"), ("localhost", "localhost") })
        {
            var r = await fx.Api.PostAsync("/api/v1/dynamic-secrets", new
            {
                projectSlug = project.Slug,
                environmentSlug = "dev",
                path = "/",
                name = "internal",
                defaultTTL = "1h",
                provider = new { type = "redis", inputs = new { host, port = 6379, username = "default", password = "p" } },
            }, fx.AdminToken);
            var kind = host == "localhost" ? "Local host IP addresses" : "Private IP addresses";
            var what = host == "localhost" ? "local host IP addresses" : "private IP addresses";
            Expect.Error(r, 400, "BadRequest",
                $"{kind} ({shown}) are not allowed. If you are self-hosting, you can allow {what} by setting the " +
                "'DYNAMIC_SECRET_ALLOW_INTERNAL_IP' environment variable to 'true' on your instance.");
        }
    }
}
