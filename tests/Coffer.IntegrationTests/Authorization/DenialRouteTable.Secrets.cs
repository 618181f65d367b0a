namespace Coffer.IntegrationTests.Authorization;

/// <summary>Secret tags, folders, imports and secrets (v3 raw and v4).</summary>
public sealed partial class DenialRouteTable
{
    private const string MembersListFolders =
        "every project member may list folders: Infisical checks membership only (secret-folder-service, \"folder list is allowed to be read by anyone\")";

    private void TagRoutes()
    {
        foreach (var prefix in new[] { "/api/v1/projects", "/api/v1/workspace" })
        {
            var tags = $"{prefix}/{w.ProjectId}/tags";
            ProjectWrite("POST", prefix + "/{projectId}/tags", tags, new { slug = "denied-tag", color = "#00ff00" }, "create", "tags");
            ProjectWrite("PATCH", prefix + "/{projectId}/tags/{tagId}", $"{tags}/{w.TagId}", new { slug = "renamed-tag", color = "#0000ff" }, "edit", "tags");
            ProjectWrite("DELETE", prefix + "/{projectId}/tags/{tagId}", $"{tags}/{w.TagId}", null, "delete", "tags");
            ProjectRead(prefix + "/{projectId}/tags", tags, "read", "tags");
            ProjectRead(prefix + "/{projectId}/tags/{tagId}", $"{tags}/{w.TagId}", "read", "tags");
            ProjectRead(prefix + "/{projectId}/tags/slug/{tagSlug}", $"{tags}/slug/{w.TagSlug}", "read", "tags");
        }
    }

    private void FolderRoutes()
    {
        foreach (var (version, field) in new[] { ("v1", "workspaceId"), ("v2", "projectId") })
        {
            var root = $"/api/{version}/folders";
            var at = new Dictionary<string, object> { [field] = w.ProjectId, ["environment"] = "dev", ["path"] = "/" };
            ProjectWrite("POST", root, root, With(at, ("name", "denied-folder")), "create", "secret-folders");
            ProjectWrite("PATCH", root + "/{folderId}", $"{root}/{w.FolderId}", With(at, ("name", "renamed-folder")), "edit", "secret-folders");
            ProjectWrite("DELETE", root + "/{folderIdOrName}", $"{root}/{w.FolderId}", at, "delete", "secret-folders");
            Read(root, $"{root}?{field}={w.ProjectId}&environment=dev&path=/", Deny.ForeignProject, Deny.Allowed(MembersListFolders));
            Read(root + "/{id}", $"{root}/{w.FolderId}", Deny.ForeignProject, Deny.Allowed(MembersListFolders));
        }

        var folders = new[] { new { id = w.FolderId, environment = "dev", name = "renamed-folder", path = "/" } };
        ProjectWrite("PATCH", "/api/v2/folders/batch", "/api/v2/folders/batch", new { projectId = w.ProjectId, folders }, "edit", "secret-folders");
        // The v1 batch names the project by slug, looked up in the caller's organization.
        var edit = Deny.Permission("edit", "secret-folders");
        Write("PATCH", "/api/v1/folders/batch", "/api/v1/folders/batch", new { projectSlug = w.ProjectSlug, folders }, ProjectSlugNotFound, edit, edit);
    }

    private void ImportRoutes()
    {
        foreach (var (version, field, secrets) in new[] { ("v1", "workspaceId", "/secrets/raw"), ("v2", "projectId", "/secrets") })
        {
            var root = $"/api/{version}/secret-imports";
            var one = $"{root}/{w.ImportId}";
            var at = new Dictionary<string, object> { [field] = w.ProjectId, ["environment"] = "dev", ["path"] = "/" };
            var query = $"?{field}={w.ProjectId}&environment=dev&path=/";
            ProjectWrite("POST", root, root, With(at, ("import", new { environment = "prod", path = "/" })), "create", "secret-imports");
            ProjectWrite("PATCH", root + "/{secretImportId}", one, With(at, ("import", new { position = 1 })), "edit", "secret-imports");
            ProjectWrite("DELETE", root + "/{secretImportId}", one, at, "delete", "secret-imports");
            ProjectRead(root, root + query, "read", "secret-imports");
            ProjectRead(root + secrets, root + secrets + query, "read", "secret-imports");
            ProjectRead(root + "/{secretImportId}", one, "read", "secret-imports");
        }
    }

    private void SecretRoutes()
    {
        foreach (var (root, field, batch) in new[] { ("/api/v3/secrets/raw", "workspaceId", "/api/v3/secrets/batch/raw"), ("/api/v4/secrets", "projectId", "/api/v4/secrets/batch") })
        {
            var at = new Dictionary<string, object> { [field] = w.ProjectId, ["environment"] = "dev", ["secretPath"] = "/" };
            var query = $"?{field}={w.ProjectId}&environment=dev&secretPath=/";
            ProjectRead(root, root + query, "describeSecret", "secrets");
            ProjectRead(root + "/id/{secretId}", $"{root}/id/{w.SecretId}", "readValue", "secrets");
            ProjectRead(root + "/{secretName}", $"{root}/{w.SecretName}{query}", "describeSecret", "secrets");
            ProjectWrite("POST", root + "/{secretName}", $"{root}/DENIED_SECRET", With(at, ("secretValue", "x")), "create", "secrets");
            ProjectWrite("PATCH", root + "/{secretName}", $"{root}/{w.SecretName}", With(at, ("secretValue", "x")), "edit", "secrets");
            ProjectWrite("DELETE", root + "/{secretName}", $"{root}/{w.SecretName}", at, "delete", "secrets");
            ProjectWrite("POST", batch, batch, With(at, ("secrets", new[] { new { secretKey = "DENIED_SECRET", secretValue = "x" } })), "create", "secrets");
            ProjectWrite("PATCH", batch, batch, With(at, ("secrets", new[] { new { secretKey = w.SecretName, secretValue = "x" } })), "edit", "secrets");
            ProjectWrite("DELETE", batch, batch, With(at, ("secrets", new[] { new { secretKey = w.SecretName } })), "delete", "secrets");
        }

        // Moving takes the secret out of its source: delete is checked first.
        ProjectWrite("POST", "/api/v4/secrets/move", "/api/v4/secrets/move", new
        {
            projectId = w.ProjectId,
            sourceEnvironment = "dev",
            sourceSecretPath = "/",
            destinationEnvironment = "staging",
            destinationSecretPath = "/",
            secretIds = new[] { w.SecretId },
        }, "delete", "secrets");
    }

    private static Dictionary<string, object> With(Dictionary<string, object> body, params (string Key, object Value)[] more)
    {
        var copy = new Dictionary<string, object>(body);
        foreach (var (key, value) in more) copy[key] = value;
        return copy;
    }
}
