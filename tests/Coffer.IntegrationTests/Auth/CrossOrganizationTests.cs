using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Auth;

public sealed class CrossOrganizationTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Identity_of_another_org_sees_nothing_of_this_one()
    {
        var projectId = await fx.Given.ProjectAsync();
        var identityId = await fx.Given.IdentityAsync();
        await fx.Given.MemberAsync(projectId, identityId);
        var (otherOrg, _, other) = await OtherOrg.CreateAsync(fx.Server);
        var before = await DbSnapshot.TakeAsync(fx.Server);

        Expect.Error(await fx.Api.GetAsync($"/api/v1/identities?orgId={fx.OrgId}", other), 403, "ForbiddenError",
            $"Your token is scoped to organization with ID {otherOrg}, but this resource belongs to a different organization.");
        Expect.Error(await fx.Api.GetAsync($"/api/v1/identities/{identityId}", other), 404, "NotFound", $"Failed to find identity with id {identityId}");
        Expect.Error(await fx.Api.DeleteAsync($"/api/v1/identities/{identityId}", other), 404, "NotFound", $"Failed to find identity with id {identityId}");
        Expect.Error(await fx.Api.PostAsync($"/api/v1/auth/universal-auth/identities/{identityId}", new { }, other), 404, "NotFound",
            $"Failed to find identity with ID {identityId}");
        Expect.Error(await fx.Api.PostAsync($"/api/v1/auth/token-auth/identities/{identityId}/tokens", new { }, other), 404, "NotFound",
            $"Failed to find identity with ID {identityId}");
        foreach (var form in new[] { "/api/v1/projects/{0}/identity-memberships/{1}", "/api/v2/workspace/{0}/identity-memberships/{1}", "/api/v1/projects/{0}/memberships/identities/{1}" })
        {
            var path = string.Format(form, projectId, identityId);
            Expect.Error(await fx.Api.DeleteAsync(path, other), 403, "ForbiddenError", "This project does not belong to your selected organization.");
            Expect.Error(await fx.Api.GetAsync(path, other), 403, "ForbiddenError", "This project does not belong to your selected organization.");
            Expect.Error(await fx.Api.PatchAsync(path, new { roles = new[] { new { role = "admin" } } }, other), 403, "ForbiddenError",
                "This project does not belong to your selected organization.");
        }
        Expect.Error(await fx.Api.GetAsync($"/api/v1/projects/{projectId}", other), 403, "ForbiddenError", "This project does not belong to your selected organization.");
        Expect.Error(await fx.Api.DeleteAsync($"/api/v1/projects/{projectId}", other), 403, "ForbiddenError", "This project does not belong to your selected organization.");
        Assert.DoesNotContain(projectId, (await fx.Api.GetAsync("/api/v1/projects", other)).RawBody);
        Assert.Equal(before, await DbSnapshot.TakeAsync(fx.Server));
    }
}
