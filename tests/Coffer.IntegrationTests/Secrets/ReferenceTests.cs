using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Secrets;

/// <summary><c>${KEY}</c> and <c>${env.path.KEY}</c> references, expanded on read when asked.</summary>
public sealed class ReferenceTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private Api Api => fx.Api;

    [Fact]
    public async Task Local_nested_and_cross_environment_references_expand()
    {
        var p = await fx.Given.TestProjectAsync();
        await SecretKeys.FolderAsync(Api, fx.AdminToken, p.Id, "/shared");
        await SecretKeys.FolderAsync(Api, fx.AdminToken, p.Id, "/shared/db", "prod");
        await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "HOST", "db.internal", path: "/shared");
        await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "PASSWORD", "s3cret", path: "/shared/db", environment: "prod");
        await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "USER", "app");
        await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "AUTH", "${USER}:${prod.shared.db.PASSWORD}");
        await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "URL", "postgres://${AUTH}@${dev.shared.HOST}/x");

        var expanded = SecretKeys.Values(await SecretKeys.ListAsync(Api, fx.AdminToken, p.Id, "&expandSecretReferences=true"));
        Assert.Equal("postgres://app:s3cret@db.internal/x", expanded["URL"]);
        Assert.Equal("app:s3cret", expanded["AUTH"]);

        var raw = SecretKeys.Values(await SecretKeys.ListAsync(Api, fx.AdminToken, p.Id));
        Assert.Equal("postgres://${AUTH}@${dev.shared.HOST}/x", raw["URL"]);

        var one = await Api.GetAsync($"/api/v3/secrets/raw/URL?workspaceId={p.Id}&environment=dev&expandSecretReferences=true", fx.AdminToken);
        Assert.Equal("postgres://app:s3cret@db.internal/x", one.Json["secret"]!["secretValue"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_reference_to_a_missing_secret_stays_as_written()
    {
        var p = await fx.Given.TestProjectAsync();
        await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "DANGLING", "x-${NOPE}-${dev.nowhere.KEY}-${@other.dev.KEY}");
        var values = SecretKeys.Values(await SecretKeys.ListAsync(Api, fx.AdminToken, p.Id, "&expandSecretReferences=true"));
        Assert.Equal("x-${NOPE}-${dev.nowhere.KEY}-${@other.dev.KEY}", values["DANGLING"]);
    }

    [Fact]
    public async Task A_cycle_is_a_400_naming_the_chain()
    {
        var p = await fx.Given.TestProjectAsync();
        await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "A", "a${B}");
        await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "B", "b${C}");
        await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "C", "c${A}");
        var list = await Api.GetAsync($"/api/v3/secrets/raw?workspaceId={p.Id}&environment=dev&expandSecretReferences=true", fx.AdminToken);
        Expect.Error(list, 400, "BadRequest", "Circular secret reference detected: dev:/:A -> dev:/:B -> dev:/:C -> dev:/:A");
        var one = await Api.GetAsync($"/api/v3/secrets/raw/B?workspaceId={p.Id}&environment=dev&expandSecretReferences=true", fx.AdminToken);
        Expect.Error(one, 400, "BadRequest", "Circular secret reference detected: dev:/:B -> dev:/:C -> dev:/:A -> dev:/:B");
        var self = await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "SELF", "${SELF}", environment: "staging");
        Assert.Equal("${SELF}", self["secretValue"]!.GetValue<string>());
        var selfRead = await Api.GetAsync($"/api/v3/secrets/raw/SELF?workspaceId={p.Id}&environment=staging&expandSecretReferences=true", fx.AdminToken);
        Expect.Error(selfRead, 400, "BadRequest", "Circular secret reference detected: staging:/:SELF -> staging:/:SELF");
        // Without expansion the values are served as stored.
        Expect.Ok(await Api.GetAsync($"/api/v3/secrets/raw?workspaceId={p.Id}&environment=dev", fx.AdminToken));
    }

    [Fact]
    public async Task Chains_deeper_than_ten_are_refused()
    {
        var p = await fx.Given.TestProjectAsync();
        for (var i = 0; i < 11; i++) await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, $"S{i}", $"${{S{i + 1}}}");
        await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "S11", "end");
        var deep = await Api.GetAsync($"/api/v3/secrets/raw/S0?workspaceId={p.Id}&environment=dev&expandSecretReferences=true", fx.AdminToken);
        Assert.Equal(400, deep.Code);
        Assert.StartsWith("Secret reference depth limit of 10 exceeded while expanding secret 'S0' in environment 'dev' at path '/'",
            deep.Json["message"]!.GetValue<string>());
        var ten = await Api.GetAsync($"/api/v3/secrets/raw/S1?workspaceId={p.Id}&environment=dev&expandSecretReferences=true", fx.AdminToken);
        Expect.Ok(ten);
        Assert.Equal("end", ten.Json["secret"]!["secretValue"]!.GetValue<string>());
    }

    [Fact]
    public async Task Referencing_a_secret_the_reader_may_not_read_is_403()
    {
        var p = await fx.Given.TestProjectAsync();
        await SecretKeys.FolderAsync(Api, fx.AdminToken, p.Id, "/app");
        await SecretKeys.FolderAsync(Api, fx.AdminToken, p.Id, "/vault");
        await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "ROOT", "top", path: "/vault");
        await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "LEAK", "x${dev.vault.ROOT}", path: "/app");
        var (_, token) = await fx.Given.CustomMemberAsync(p.Id,
            """[["describeSecret,readValue,create,edit,delete","secrets",{"secretPath":{"$glob":"/app/**"}}],["describeSecret,readValue","secrets",{"secretPath":"/app"}]]""");

        var list = await Api.GetAsync($"/api/v3/secrets/raw?workspaceId={p.Id}&environment=dev&secretPath=/app&expandSecretReferences=true", token);
        var body = Expect.Error(list, 403, "ForbiddenError", "Failed to expand one or more secret references", allowDetails: true);
        Assert.Equal(
            "You do not have permission to read secret 'ROOT' in environment 'dev' at path '/vault', which is referenced by secret 'LEAK' in environment 'dev' at path '/app'.",
            body["details"]![0]!.GetValue<string>());
        var one = await Api.GetAsync($"/api/v3/secrets/raw/LEAK?workspaceId={p.Id}&environment=dev&secretPath=/app&expandSecretReferences=true", token);
        Expect.Error(one, 403, "ForbiddenError",
            "You do not have permission to read secret 'ROOT' in environment 'dev' at path '/vault', which is referenced by secret 'LEAK' in environment 'dev' at path '/app'.");
        var raw = await Api.GetAsync($"/api/v3/secrets/raw/LEAK?workspaceId={p.Id}&environment=dev&secretPath=/app", token);
        Assert.Equal("x${dev.vault.ROOT}", raw.Json["secret"]!["secretValue"]!.GetValue<string>());
    }

    [Fact]
    public async Task Writing_a_reference_to_a_secret_the_writer_cannot_describe_is_403()
    {
        var p = await fx.Given.TestProjectAsync();
        await SecretKeys.FolderAsync(Api, fx.AdminToken, p.Id, "/app");
        await SecretKeys.FolderAsync(Api, fx.AdminToken, p.Id, "/vault");
        await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "ROOT", "top", path: "/vault");
        var (_, token) = await fx.Given.CustomMemberAsync(p.Id,
            """[["describeSecret,readValue,create,edit,delete","secrets",{"secretPath":"/app"}]]""");
        var r = await Api.PostAsync("/api/v3/secrets/raw/PEEK",
            new { workspaceId = p.Id, environment = "dev", secretPath = "/app", secretValue = "${dev.vault.ROOT}" }, token);
        Expect.Error(r, 403, "PermissionDenied", "You are not allowed to describeSecret on secrets", allowDetails: true);
        var missingTarget = await Api.PostAsync("/api/v3/secrets/raw/LATER",
            new { workspaceId = p.Id, environment = "dev", secretPath = "/app", secretValue = "${dev.vault.NOT_YET}" }, token);
        Expect.Ok(missingTarget);
    }

    [Fact]
    public async Task Skip_multiline_encoding_quotes_an_expanded_multiline_value()
    {
        var p = await fx.Given.TestProjectAsync();
        await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "LINES", "a\nb");
        Expect.Ok(await Api.PostAsync("/api/v4/secrets/QUOTED",
            new { projectId = p.Id, environment = "dev", secretValue = "${LINES}", skipMultilineEncoding = true }, fx.AdminToken));
        var values = SecretKeys.Values(await SecretKeys.ListAsync(Api, fx.AdminToken, p.Id, "&expandSecretReferences=true"));
        Assert.Equal("\"a\\nb\"", values["QUOTED"]);
    }

    [Fact]
    public async Task Renaming_a_secret_rewrites_the_references_to_it()
    {
        var p = await fx.Given.TestProjectAsync();
        await SecretKeys.FolderAsync(Api, fx.AdminToken, p.Id, "/db");
        await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "OLD", "pw", path: "/db");
        await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "LOCAL", "x${OLD}", path: "/db");
        await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "NESTED", "${dev.db.OLD}!", environment: "prod");
        await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "UNRELATED", "${OLD}");

        Expect.Ok(await Api.PatchAsync("/api/v3/secrets/raw/OLD", new { workspaceId = p.Id, environment = "dev", secretPath = "/db", newSecretName = "NEW" }, fx.AdminToken));

        var db = await SecretKeys.ListAsync(Api, fx.AdminToken, p.Id, "&secretPath=/db");
        Assert.Equal("x${NEW}", SecretKeys.Values(db)["LOCAL"]);
        Assert.Equal(2, db["secrets"]!.AsArray().Single(s => s!["secretKey"]!.GetValue<string>() == "LOCAL")!["version"]!.GetValue<int>());
        Assert.Equal("${dev.db.NEW}!", SecretKeys.Values(await SecretKeys.ListAsync(Api, fx.AdminToken, p.Id, environment: "prod"))["NESTED"]);
        Assert.Equal("${OLD}", SecretKeys.Values(await SecretKeys.ListAsync(Api, fx.AdminToken, p.Id))["UNRELATED"]);
        var expanded = await SecretKeys.ListAsync(Api, fx.AdminToken, p.Id, "&expandSecretReferences=true", "prod");
        Assert.Equal("pw!", SecretKeys.Values(expanded)["NESTED"]);
    }
}
