using System.Text.Json.Nodes;
using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Organizations;

/// <summary>
/// The organization reads of the CLI's picker (<c>infisical login</c>, <c>infisical init</c>) and of Terraform's
/// <c>infisical_identity_details</c> and <c>infisical_organization</c> data sources.
/// </summary>
public sealed class OrganizationReadTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private static readonly string[] OrgKeys =
    [
        "id", "name", "customerId", "slug", "createdAt", "updatedAt", "authEnforced", "scimEnabled", "kmsDefaultKeyId",
        "defaultMembershipRole", "enforceMfa", "selectedMfaMethod", "allowSecretSharingOutsideOrganization",
        "shouldUseNewPrivilegeSystem", "bypassOrgAuthEnabled", "secretsProductEnabled", "rootOrgId", "parentOrgId",
    ];

    private Api Api => fx.Api;

    private async Task<JsonObject> OwnOrgAsync(string token)
    {
        var list = await Api.GetAsync("/api/v1/organization", token);
        Expect.Ok(list);
        Expect.Keys(list.Json, "organizations");
        var org = Assert.Single(list.Json["organizations"]!.AsArray())!.AsObject();
        Expect.Keys(org, OrgKeys);
        return org;
    }

    [Fact]
    public async Task An_identity_reads_its_organization_through_each_route()
    {
        var (_, token) = await fx.Given.IdentityWithTokenAsync();
        var org = await OwnOrgAsync(token);
        Assert.Equal(fx.OrgId, org["id"]!.GetValue<string>());
        Assert.Matches(Expect.IsoMillis(), org["createdAt"]!.GetValue<string>());

        var details = await Api.GetAsync("/api/v1/identities/details", token);
        Expect.Ok(details);
        Assert.True(JsonNode.DeepEquals(
            new JsonObject { ["identityDetails"] = new JsonObject { ["organization"] = new JsonObject { ["id"] = org["id"]!.DeepClone(), ["name"] = org["name"]!.DeepClone(), ["slug"] = org["slug"]!.DeepClone() } } },
            details.Json), details.Json.ToJsonString());

        var withSubOrgs = await Api.GetAsync("/api/v1/organization/accessible-with-sub-orgs", token);
        Expect.Ok(withSubOrgs);
        Assert.True(JsonNode.DeepEquals(new JsonObject
        {
            ["organizations"] = new JsonArray(new JsonObject
            {
                ["id"] = org["id"]!.DeepClone(),
                ["name"] = org["name"]!.DeepClone(),
                ["slug"] = org["slug"]!.DeepClone(),
                ["createdAt"] = org["createdAt"]!.DeepClone(),
                ["subOrganizations"] = new JsonArray(),
            }),
        }, withSubOrgs.Json), withSubOrgs.Json.ToJsonString());

        // Terraform pages through sub-organizations 1000 at a time; Coffer has none.
        var subOrgs = await Api.GetAsync("/api/v1/sub-organizations?limit=1000&offset=0", token);
        Expect.Ok(subOrgs);
        Assert.Equal("""{"organizations":[],"totalCount":0}""", subOrgs.Json.ToJsonString());
        Expect.Validation(await Api.GetAsync("/api/v1/sub-organizations?limit=0", token), Issue.TooSmall(["limit"], "number", 1, "Number must be greater than or equal to 1"));
    }

    [Fact]
    public async Task A_user_lists_its_organizations_before_choosing_one_and_is_refused_identity_details()
    {
        var login = await Api.PostAsync("/api/v3/auth/login", new { email = Given.AdminEmail, password = Given.AdminPassword });
        Expect.Ok(login);
        var unscoped = login.Json["accessToken"]!.GetValue<string>();
        var org = await OwnOrgAsync(unscoped);
        Assert.Equal(fx.OrgId, org["id"]!.GetValue<string>());
        // Infisical's verifyAuth for a route that takes identity tokens only: the path in the error name.
        Expect.Error(await Api.GetAsync("/api/v1/identities/details", unscoped), 403, "Forbidden access to /api/v1/identities/details",
            "You are not allowed to access this resource");
    }

    [Fact]
    public async Task Every_route_needs_a_token()
    {
        foreach (var path in new[] { "/api/v1/organization", "/api/v1/organization/accessible-with-sub-orgs", "/api/v1/identities/details", "/api/v1/sub-organizations" })
            Expect.Error(await Api.GetAsync(path), 401, "UnauthorizedError", "Token missing");
    }
}
