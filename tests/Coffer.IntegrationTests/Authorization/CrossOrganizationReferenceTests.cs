using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Authorization;

/// <summary>
/// The other half of "another organization": its admin, working in a project of its own where it may do anything,
/// names our identities, secrets, tags, folders, imports, environments, roles and slugs. Every such reference is
/// refused with its exact error (as if the object did not exist), its own organization's lists show nothing of ours,
/// and our data is unchanged.
/// </summary>
public sealed class CrossOrganizationReferenceTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Another_organizations_admin_cannot_reach_our_objects_from_its_own_project()
    {
        var w = await DenialWorld.SeedAsync(fx);
        var api = fx.Api;
        var t = w.OtherOrgToken;
        var created = await api.PostAsync("/api/v1/projects", new { projectName = "theirs" }, t);
        Expect.Ok(created);
        var q = created.Json["project"]!["id"]!.GetValue<string>();
        var before = await DbSnapshot.TakeAsync(fx.Server);

        var notMember = $"Identity with ID '{w.MemberId}' is not a member of project with ID '{q}'";
        var foreignEnv = $"Environment with id '{w.EnvironmentId}' in project with ID '{q}' not found";
        var foreignRole = $"Project role with ID '{w.RoleId}' not found";
        var foreignFolder = $"Folder with ID '{w.FolderId}' not found";
        var viewer = new { roles = new[] { new { role = "viewer" } } };
        var cases = new (string What, Func<Task<ApiResponse>> Send, int Status, string Error, string Message)[]
        {
            ("add our identity to their project", () => api.PostAsync($"/api/v1/projects/{q}/memberships/identities/{w.MemberId}", viewer, t),
                404, "NotFound", $"Identity {w.MemberId} is missing organization membership"),
            ("add our identity (deprecated path)", () => api.PostAsync($"/api/v2/workspace/{q}/identity-memberships/{w.MemberId}", new { role = "viewer" }, t),
                404, "NotFound", $"Identity {w.MemberId} is missing organization membership"),
            ("change our identity's roles there", () => api.PatchAsync($"/api/v1/projects/{q}/memberships/identities/{w.MemberId}", viewer, t),
                404, "NotFound", notMember),
            ("remove our identity there", () => api.DeleteAsync($"/api/v1/projects/{q}/memberships/identities/{w.MemberId}", t),
                404, "NotFound", notMember),
            ("read our identity's membership there", () => api.GetAsync($"/api/v1/projects/{q}/memberships/identities/{w.MemberId}", t),
                404, "NotFound", "Identity membership not found"),
            ("give our identity a privilege there", () => api.PostAsync("/api/v2/identity-project-additional-privilege", new
            {
                identityId = w.MemberId,
                projectId = q,
                permissions = new[] { new { subject = "secrets", action = new[] { "describeSecret" } } },
                type = new { isTemporary = false },
            }, t), 404, "NotFound", notMember),
            ("move our secret into their project", () => api.PostAsync("/api/v4/secrets/move", new
            {
                projectId = q,
                sourceEnvironment = "dev",
                sourceSecretPath = "/",
                destinationEnvironment = "staging",
                destinationSecretPath = "/",
                secretIds = new[] { w.SecretId },
            }, t), 400, "BadRequest", "Invalid secrets"),
            ("tag their secret with our tag", () => api.PostAsync("/api/v4/secrets/THEIRS", new { projectId = q, environment = "dev", secretValue = "x", tagIds = new[] { w.TagId } }, t),
                404, "NotFound", "Tag not found. Found "),
            ("tag their batch with our tag", () => api.PostAsync("/api/v4/secrets/batch",
                new { projectId = q, environment = "dev", secrets = new[] { new { secretKey = "THEIRS", secretValue = "x", tagIds = new[] { w.TagId } } } }, t),
                404, "NotFound", "Tag not found. Found "),
            ("read our tag by slug through their project", () => api.GetAsync($"/api/v1/projects/{q}/tags/slug/{w.TagSlug}", t),
                404, "NotFound", $"Tag with slug '{w.TagSlug}' not found"),
            ("rename our folder through their project", () => api.PatchAsync($"/api/v2/folders/{w.FolderId}", new { projectId = q, environment = "dev", name = "x", path = "/" }, t),
                404, "UpdateFolder", foreignFolder),
            ("rename our folder in a batch", () => api.PatchAsync("/api/v2/folders/batch",
                new { projectId = q, folders = new[] { new { id = w.FolderId, environment = "dev", name = "x", path = "/" } } }, t),
                404, "UpdateManyFolders", foreignFolder),
            ("delete our folder through their project", () => api.DeleteAsync($"/api/v2/folders/{w.FolderId}", t, new { projectId = q, environment = "dev", path = "/" }),
                404, "NotFound", foreignFolder),
            ("move our import through their project", () => api.PatchAsync($"/api/v2/secret-imports/{w.ImportId}",
                new { projectId = q, environment = "dev", path = "/", import = new { position = 1 } }, t), 400, "BadRequest", "Secret import not found"),
            ("delete our import through their project", () => api.DeleteAsync($"/api/v2/secret-imports/{w.ImportId}", t, new { projectId = q, environment = "dev", path = "/" }),
                404, "NotFound", $"Secret import with folder ID '{w.ImportId}' not found"),
            ("read our environment through their project", () => api.GetAsync($"/api/v1/projects/{q}/environments/{w.EnvironmentId}", t), 404, "NotFound", foreignEnv),
            ("rename our environment through their project", () => api.PatchAsync($"/api/v1/projects/{q}/environments/{w.EnvironmentId}", new { name = "x" }, t),
                404, "NotFound", foreignEnv),
            ("delete our environment through their project", () => api.DeleteAsync($"/api/v1/projects/{q}/environments/{w.EnvironmentId}", t), 404, "NotFound", foreignEnv),
            ("edit our role through their project", () => api.PatchAsync($"/api/v1/projects/{q}/roles/{w.RoleId}", new { name = "x" }, t), 404, "NotFound", foreignRole),
            ("delete our role through their project", () => api.DeleteAsync($"/api/v1/projects/{q}/roles/{w.RoleId}", t), 404, "NotFound", foreignRole),
            ("list our secrets by our project's slug", () => api.GetAsync($"/api/v3/secrets/raw?workspaceSlug={w.ProjectSlug}&environment=dev", t),
                404, "NotFound", $"Project with slug '{w.ProjectSlug}' not found"),
        };
        var failures = new List<string>();
        foreach (var (what, send, status, error, message) in cases)
        {
            var r = await send();
            try
            {
                Expect.Error(r, status, error, message, allowDetails: status is 400 or 403);
            }
            catch (Exception ex) when (ex is Xunit.Sdk.XunitException or InvalidOperationException)
            {
                failures.Add($"{what}: {ex.Message}");
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        TestReport.Write("cross-organization references", $"{cases.Length} references to our objects from another organization's project refused; database unchanged");

        // Their own organization's lists hold nothing of ours.
        foreach (var path in new[] { $"/api/v1/identities?orgId={w.OtherOrgId}", "/api/v1/organization/audit-logs?limit=1000", "/api/v1/projects" })
        {
            var r = await api.GetAsync(path, t);
            Expect.Ok(r);
            foreach (var ours in new[] { fx.OrgId, w.ProjectId, w.MemberId })
                Assert.DoesNotContain(ours, r.RawBody, StringComparison.Ordinal);
        }
        Assert.True(before == await DbSnapshot.TakeAsync(fx.Server), "a refused cross-organization request changed the database");
    }
}
