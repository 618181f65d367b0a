using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Identities;

public sealed class IdentityTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private Api Api => fx.Api;

    [Fact]
    public async Task Create_returns_the_identity_with_auth_methods_and_metadata()
    {
        var r = await Api.PostAsync("/api/v1/identities", new
        {
            name = "  ci-runner  ",
            organizationId = fx.OrgId,
            role = "member",
            metadata = new[] { new { key = "team", value = "platform" } },
        }, fx.AdminToken);
        Expect.Ok(r);
        var identity = r.Json["identity"]!.AsObject();
        Expect.Keys(identity, "id", "name", "authMethod", "createdAt", "updatedAt", "hasDeleteProtection", "orgId", "projectId",
            "authMethods", "metadata");
        Assert.Equal("ci-runner", identity["name"]!.GetValue<string>());
        Assert.Null(identity["authMethod"]);
        Assert.Null(identity["projectId"]);
        Assert.Empty(identity["authMethods"]!.AsArray());
        Assert.False(identity["hasDeleteProtection"]!.GetValue<bool>());
        Assert.Equal(fx.OrgId, identity["orgId"]!.GetValue<string>());
        Assert.Matches(Expect.IsoMillis(), identity["createdAt"]!.GetValue<string>());
        var meta = identity["metadata"]!.AsArray().Single()!.AsObject();
        Expect.Keys(meta, "id", "key", "value");
        Assert.Equal("team", meta["key"]!.GetValue<string>());
    }

    [Fact]
    public async Task Role_defaults_to_no_access()
    {
        var id = (await Api.PostAsync("/api/v1/identities", new { name = "x", organizationId = fx.OrgId }, fx.AdminToken)).Json["identity"]!["id"]!.GetValue<string>();
        var got = await Api.GetAsync($"/api/v1/identities/{id}", fx.AdminToken);
        Expect.Ok(got);
        Assert.Equal("no-access", got.Json["identity"]!["role"]!.GetValue<string>());
    }

    [Fact]
    public async Task Get_returns_org_membership_with_nested_identity()
    {
        var id = await fx.Given.IdentityAsync("member", "getter");
        await fx.Given.UniversalAuthAsync(id);
        var r = await Api.GetAsync($"/api/v1/identities/{id}", fx.AdminToken);
        Expect.Ok(r);
        var m = r.Json["identity"]!.AsObject();
        Expect.Keys(m, "id", "role", "roleId", "orgId", "createdAt", "updatedAt", "identityId", "lastLoginAuthMethod", "lastLoginTime",
            "metadata", "identity");
        Assert.Equal("member", m["role"]!.GetValue<string>());
        Assert.Equal(id, m["identityId"]!.GetValue<string>());
        var nested = m["identity"]!.AsObject();
        Expect.Keys(nested, "name", "id", "hasDeleteProtection", "orgId", "authMethods", "activeLockoutAuthMethods");
        Assert.Equal("universal-auth", nested["authMethods"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task List_counts_and_pages_identities_of_the_org()
    {
        var before = (await Api.GetAsync($"/api/v1/identities?orgId={fx.OrgId}", fx.AdminToken)).Json["totalCount"]!.GetValue<int>();
        await fx.Given.IdentityAsync(name: "zz-list-a");
        await fx.Given.IdentityAsync(name: "zz-list-b");
        var r = await Api.GetAsync($"/api/v1/identities?orgId={fx.OrgId}&search=zz-list&limit=1&orderDirection=desc", fx.AdminToken);
        Expect.Ok(r);
        Expect.Keys(r.Json, "identities", "totalCount");
        Assert.Equal(2, r.Json["totalCount"]!.GetValue<int>());
        Assert.Equal("zz-list-b", r.Json["identities"]![0]!["identity"]!["name"]!.GetValue<string>());
        var all = await Api.GetAsync($"/api/v1/identities?orgId={fx.OrgId}", fx.AdminToken);
        Assert.Equal(before + 2, all.Json["totalCount"]!.GetValue<int>());
    }

    [Fact]
    public async Task List_requires_org_id()
    {
        var r = await Api.GetAsync("/api/v1/identities", fx.AdminToken);
        Expect.Validation(r, Issue.Required(["orgId"], "string"));
    }

    [Fact]
    public async Task Update_changes_name_role_and_protection()
    {
        var id = await fx.Given.IdentityAsync();
        var r = await Api.PatchAsync($"/api/v1/identities/{id}", new { name = "renamed", role = "admin", hasDeleteProtection = true }, fx.AdminToken);
        Expect.Ok(r);
        Expect.Keys(r.Json["identity"]!.AsObject(), "id", "name", "authMethod", "createdAt", "updatedAt", "hasDeleteProtection", "orgId", "projectId");
        Assert.Equal("renamed", r.Json["identity"]!["name"]!.GetValue<string>());
        Assert.True(r.Json["identity"]!["hasDeleteProtection"]!.GetValue<bool>());
        var got = await Api.GetAsync($"/api/v1/identities/{id}", fx.AdminToken);
        Assert.Equal("admin", got.Json["identity"]!["role"]!.GetValue<string>());
    }

    [Fact]
    public async Task Delete_protection_blocks_delete()
    {
        var id = await fx.Given.IdentityAsync();
        Expect.Ok(await Api.PatchAsync($"/api/v1/identities/{id}", new { hasDeleteProtection = true }, fx.AdminToken));
        var r = await Api.DeleteAsync($"/api/v1/identities/{id}", fx.AdminToken);
        Expect.Error(r, 400, "BadRequest", "Identity has delete protection");
        Expect.Ok(await Api.GetAsync($"/api/v1/identities/{id}", fx.AdminToken));
    }

    [Fact]
    public async Task Delete_returns_the_identity_and_kills_all_its_tokens()
    {
        var id = await fx.Given.IdentityAsync();
        var (clientId, secret) = await fx.Given.UniversalAuthAsync(id);
        var t1 = await fx.Given.LoginAsync(clientId, secret);
        var t2 = await fx.Given.TokenAuthTokenAsync(id);
        Expect.Ok(await Api.GetAsync($"/api/v1/identities/{id}", t1));

        var r = await Api.DeleteAsync($"/api/v1/identities/{id}", fx.AdminToken);
        Expect.Ok(r);
        Assert.Equal(id, r.Json["identity"]!["id"]!.GetValue<string>());

        Expect.Error(await Api.GetAsync($"/api/v1/identities?orgId={fx.OrgId}", t1), 401, "TokenError", "No identity access token found");
        Expect.Error(await Api.GetAsync($"/api/v1/identities?orgId={fx.OrgId}", t2), 401, "TokenError", "No identity access token found");
        Expect.Error(await Api.GetAsync($"/api/v1/identities/{id}", fx.AdminToken), 404, "NotFound", $"Failed to find identity with id {id}");
    }

    [Fact]
    public async Task Unknown_identity_is_404()
    {
        var r = await Api.GetAsync("/api/v1/identities/not-a-uuid", fx.AdminToken);
        Expect.Error(r, 404, "NotFound", "Failed to find identity with id not-a-uuid");
        var d = await Api.DeleteAsync($"/api/v1/identities/{Guid.NewGuid()}", fx.AdminToken);
        Assert.Equal(404, d.Code);
    }

    [Fact]
    public async Task Create_validates_body()
    {
        var r = await Api.PostAsync("/api/v1/identities", new { name = "", organizationId = 3, role = "" }, fx.AdminToken);
        Expect.Validation(r,
            Issue.TooSmall(["name"], "string", 1, "String must contain at least 1 character(s)"),
            Issue.WrongType(["organizationId"], "string", "number"),
            Issue.TooSmall(["role"], "string", 1, "String must contain at least 1 character(s)"));
    }

    [Fact]
    public async Task Unknown_role_is_404()
    {
        var r = await Api.PostAsync("/api/v1/identities", new { name = "x", organizationId = fx.OrgId, role = "wizard" }, fx.AdminToken);
        Expect.Error(r, 404, "NotFound", $"Specified roles 'wizard' was not found in the organization with ID '{fx.OrgId}'");
    }

    [Fact]
    public async Task Another_org_id_is_forbidden()
    {
        var other = Guid.NewGuid().ToString();
        var r = await Api.PostAsync("/api/v1/identities", new { name = "x", organizationId = other }, fx.AdminToken);
        Expect.Error(r, 403, "ForbiddenError",
            $"Your token is scoped to organization with ID {fx.OrgId}, but this resource belongs to a different organization.");
    }

    [Fact]
    public async Task No_access_member_cannot_create_or_list()
    {
        var (_, token) = await fx.Given.IdentityWithTokenAsync("no-access");
        var create = await Api.PostAsync("/api/v1/identities", new { name = "x", organizationId = fx.OrgId }, token);
        Expect.Error(create, 403, "PermissionDenied", "You are not allowed to create on identity", allowDetails: true);
        var list = await Api.GetAsync($"/api/v1/identities?orgId={fx.OrgId}", token);
        Expect.Error(list, 403, "PermissionDenied", "You are not allowed to read on identity", allowDetails: true);
    }
}
