using System.Text.Json.Nodes;
using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.DynamicSecrets;

/// <summary>
/// Terraform's <c>infisical_dynamic_secret_sql_database</c>, replayed as the provider sends and reads (from its source,
/// <c>internal/client/dynamic_secret.go</c> and <c>resource/dynamic_secret/</c>): every input in the body, the unset ones
/// as empty strings (<c>ca</c>, <c>gatewayId</c>, <c>renewStatement</c>); <c>maxTTL</c> and <c>usernameTemplate</c> left
/// out when unset; the update's fields under <c>data</c> with the whole configuration again; the delete's address in
/// its body. Its refresh takes every input it manages as a string or number and stops with "Invalid password type" when
/// <c>password</c> is not a string, so the credential is shown as an empty string: present, never revealed.
/// </summary>
public sealed class TerraformReplayTests(DynamicSecretServer fx, TargetPostgres target)
    : IClassFixture<DynamicSecretServer>, IClassFixture<TargetPostgres>
{
    private Dictionary<string, object> Configuration(string password) => new()
    {
        ["client"] = "postgres",
        ["host"] = "127.0.0.1",
        ["port"] = target.Port,
        ["database"] = "postgres",
        ["username"] = "postgres",
        ["password"] = password,
        ["creationStatement"] = "CREATE USER \"{{username}}\" WITH ENCRYPTED PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';",
        ["revocationStatement"] = "DROP ROLE \"{{username}}\";",
        ["renewStatement"] = "",
        ["ca"] = "",
        ["gatewayId"] = "",
    };

    [Fact]
    public async Task The_providers_create_refresh_update_and_destroy_work_and_its_refresh_finds_every_input_it_reads()
    {
        var api = fx.Api;
        var token = fx.AdminToken;
        var project = await fx.Given.TestProjectAsync();
        var address = new { projectSlug = project.Slug, environmentSlug = "dev", path = "/" };

        var created = await api.PostAsync("/api/v1/dynamic-secrets", new
        {
            provider = new { type = "sql-database", inputs = Configuration(TargetPostgres.RootPassword) },
            name = "tf-pg",
            address.projectSlug,
            address.environmentSlug,
            address.path,
            defaultTTL = "1h",
            metadata = Array.Empty<object>(),
        }, token);
        Expect.Ok(created);
        Assert.False(string.IsNullOrEmpty(created.Json["dynamicSecret"]!["id"]!.GetValue<string>()));

        // Only the empty gateway is none: a gateway that is named is still refused.
        var gatewayed = Configuration(TargetPostgres.RootPassword);
        gatewayed["gatewayId"] = Guid.NewGuid().ToString();
        Expect.Validation(await api.PostAsync("/api/v1/dynamic-secrets", new
        {
            provider = new { type = "sql-database", inputs = gatewayed },
            name = "tf-gateway",
            address.projectSlug,
            address.environmentSlug,
            address.path,
            defaultTTL = "1h",
        }, token),
            Issue.Custom(["provider", "inputs", "gatewayId"], "Coffer has no gateways; connect to the database directly"));

        // Read: GET with the address in the query; every field the provider reads, of the type it asserts.
        var read = await api.GetAsync($"/api/v1/dynamic-secrets/tf-pg?projectSlug={project.Slug}&environmentSlug=dev&path=/", token);
        Expect.Ok(read);
        var secret = read.Json["dynamicSecret"]!;
        Assert.Equal("tf-pg", secret["name"]!.GetValue<string>());
        Assert.Equal("1h", secret["defaultTTL"]!.GetValue<string>());
        Assert.Null(secret["maxTTL"]);
        var inputs = secret["inputs"]!.AsObject();
        Assert.Equal("postgres", inputs["client"]!.GetValue<string>());
        Assert.Equal("127.0.0.1", inputs["host"]!.GetValue<string>());
        Assert.Equal(target.Port, inputs["port"]!.GetValue<int>());
        Assert.Equal("postgres", inputs["database"]!.GetValue<string>());
        Assert.Equal("postgres", inputs["username"]!.GetValue<string>());
        Assert.Equal("", inputs["password"]!.GetValue<string>());
        Assert.StartsWith("CREATE USER", inputs["creationStatement"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("DROP ROLE \"{{username}}\";", inputs["revocationStatement"]!.GetValue<string>());
        Assert.DoesNotContain(TargetPostgres.RootPassword, read.RawBody, StringComparison.Ordinal);

        // The empty ca is no CA: a lease is made over the plain connection, and its user logs in.
        var lease = await api.PostAsync("/api/v1/dynamic-secrets/leases",
            new { dynamicSecretName = "tf-pg", address.projectSlug, address.environmentSlug, address.path }, token);
        Expect.Ok(lease);
        var user = lease.Json["data"]!["DB_USERNAME"]!.GetValue<string>();
        Assert.Null(await target.LoginErrorAsync(user, lease.Json["data"]!["DB_PASSWORD"]!.GetValue<string>()));

        // Update: PATCH by name, the address beside "data", the whole configuration again (the password from the
        // configuration, as Terraform holds it) and a new maximum.
        var updated = await api.PatchAsync("/api/v1/dynamic-secrets/tf-pg", new
        {
            name = "tf-pg",
            address.projectSlug,
            address.environmentSlug,
            address.path,
            data = new { inputs = Configuration(TargetPostgres.RootPassword), defaultTTL = "1h", maxTTL = "4h", metadata = Array.Empty<object>() },
        }, token);
        Expect.Ok(updated);
        var reread = await api.GetAsync($"/api/v1/dynamic-secrets/tf-pg?projectSlug={project.Slug}&environmentSlug=dev&path=/", token);
        Assert.Equal("4h", reread.Json["dynamicSecret"]!["maxTTL"]!.GetValue<string>());
        Assert.Equal("", reread.Json["dynamicSecret"]!["inputs"]!["password"]!.GetValue<string>());

        // Destroy: DELETE by name with the address in the body; the lease's user goes with it.
        Expect.Ok(await api.DeleteAsync("/api/v1/dynamic-secrets/tf-pg", token, new { name = "tf-pg", address.projectSlug, address.environmentSlug, address.path }));
        Assert.Equal(0, await target.RolesNamedAsync(user));
        var gone = await api.GetAsync($"/api/v1/dynamic-secrets/tf-pg?projectSlug={project.Slug}&environmentSlug=dev&path=/", token);
        Assert.Equal(404, gone.Code);
    }

    [Fact]
    public async Task A_configuration_read_back_and_sent_again_keeps_the_stored_password()
    {
        var api = fx.Api;
        var token = fx.AdminToken;
        var project = await fx.Given.TestProjectAsync();
        Expect.Ok(await api.PostAsync("/api/v1/dynamic-secrets", new
        {
            provider = new { type = "sql-database", inputs = Configuration(TargetPostgres.RootPassword) },
            name = "round-trip",
            projectSlug = project.Slug,
            environmentSlug = "dev",
            path = "/",
            defaultTTL = "1h",
        }, token));
        var read = await api.GetAsync($"/api/v1/dynamic-secrets/round-trip?projectSlug={project.Slug}&environmentSlug=dev&path=/", token);

        // A client that edits what it read sends the shown password, "", back: that is not a new password.
        var inputs = read.Json["dynamicSecret"]!["inputs"]!.AsObject();
        inputs["revocationStatement"] = "DROP ROLE IF EXISTS \"{{username}}\";";
        Expect.Ok(await api.PatchAsync("/api/v1/dynamic-secrets/round-trip", new
        {
            projectSlug = project.Slug,
            environmentSlug = "dev",
            path = "/",
            data = new { inputs },
        }, token));

        var lease = await api.PostAsync("/api/v1/dynamic-secrets/leases",
            new { dynamicSecretName = "round-trip", projectSlug = project.Slug, environmentSlug = "dev", path = "/" }, token);
        Expect.Ok(lease);
        Assert.Null(await target.LoginErrorAsync(lease.Json["data"]!["DB_USERNAME"]!.GetValue<string>(),
            lease.Json["data"]!["DB_PASSWORD"]!.GetValue<string>()));
    }
}
