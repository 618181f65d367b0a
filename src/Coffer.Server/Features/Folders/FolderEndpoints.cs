using System.Globalization;
using System.Text.Json.Nodes;
using Coffer.Server.Features.AuditLogs;
using Coffer.Server.Features.Projects;
using Coffer.Server.Http;
using Coffer.Server.Http.Auth;
using Coffer.Server.Http.Validation;

namespace Coffer.Server.Features.Folders;

/// <summary>
/// <c>/api/v1/folders</c> (project as <c>workspaceId</c>, the SDK's and CLI's form) and <c>/api/v2/folders</c>
/// (<c>projectId</c>): one set of handlers, the project field and the response extras differ.
/// </summary>
public static class FolderEndpoints
{
    internal const string InvalidName = "Invalid folder name. Only alphanumeric characters, dashes, and underscores are allowed.";

    public static void MapFolders(this IEndpointRouteBuilder app)
    {
        Map(app.MapGroup("/api/v1/folders").RequireActor().WithTags("Folders"), "workspaceId", v2: false);
        Map(app.MapGroup("/api/v2/folders").RequireActor().WithTags("Folders"), "projectId", v2: true);
    }

    private static void Map(RouteGroupBuilder group, string projectField, bool v2)
    {
        group.MapPost("", async (HttpContext http, FolderService service) =>
        {
            var body = await JsonBody.ReadInputAsync(http.Request);
            var projectId = body.String(projectField, trim: true);
            var environment = body.String("environment", trim: true);
            var name = ReadName(body);
            var path = ReadPath(body, v2 ? null : "directory");
            var description = body.String("description", required: false, nullable: true);
            body.ThrowIfInvalid();
            var actor = http.GetActor();
            var created = await service.CreateAsync(actor, AuditContext.From(http, actor), projectId!, environment!, path, name!, description);
            return Results.Json(new JsonObject { ["folder"] = v2 ? FolderJson.WithPath(created.Folder, created.Path) : FolderJson.Folder(created.Folder) },
                ApiJson.Options);
        }).WithSummary("Create folders");

        group.MapPatch("/batch", async (HttpContext http, FolderService service, ProjectService projects) =>
        {
            var body = await JsonBody.ReadInputAsync(http.Request);
            var projectId = v2 ? body.String("projectId", trim: true) : null;
            var projectSlug = v2 ? null : body.String("projectSlug", trim: true);
            var items = body.Objects("folders", required: true, min: 1) ?? [];
            var updates = new List<FolderUpdate>();
            foreach (var item in items)
            {
                var id = item.String("id");
                var environment = item.String("environment", trim: true);
                var name = ReadName(item);
                var path = ReadPath(item, null);
                var description = ReadDescription(item);
                updates.Add(new FolderUpdate(id ?? "", environment ?? "", path, name ?? "", description));
            }
            body.ThrowIfInvalid();
            var actor = http.GetActor();
            projectId ??= await projects.IdOfSlugAsync(actor, projectSlug!.ToLowerInvariant());
            var (_, results) = await service.UpdateManyAsync(actor, AuditContext.From(http, actor), projectId, updates);
            return Results.Json(new JsonObject { ["folders"] = new JsonArray([.. results.Select(r => (JsonNode)FolderJson.Folder(r.Folder.Folder))]) },
                ApiJson.Options);
        }).WithSummary("Update folders by batch");

        group.MapPatch("/{folderId}", async (HttpContext http, string folderId, FolderService service) =>
        {
            var body = await JsonBody.ReadInputAsync(http.Request);
            var projectId = body.String(projectField, trim: true);
            var environment = body.String("environment", trim: true);
            var name = ReadName(body);
            var path = ReadPath(body, v2 ? null : "directory");
            var description = ReadDescription(body);
            body.ThrowIfInvalid();
            var actor = http.GetActor();
            var (folder, _) = await service.UpdateAsync(actor, AuditContext.From(http, actor), projectId!,
                new FolderUpdate(folderId, environment!, path, name!, description));
            return Results.Json(new JsonObject { ["folder"] = v2 ? FolderJson.WithPath(folder.Folder, folder.Path) : FolderJson.Folder(folder.Folder) },
                ApiJson.Options);
        }).WithSummary("Update folder");

        group.MapDelete("/{folderIdOrName}", async (HttpContext http, string folderIdOrName, FolderService service) =>
        {
            var body = await JsonBody.ReadInputAsync(http.Request);
            var projectId = body.String(projectField, trim: true);
            var environment = body.String("environment", trim: true);
            var path = ReadPath(body, v2 ? null : "directory");
            var force = body.Boolean("forceDelete", fallback: false);
            body.ThrowIfInvalid();
            var actor = http.GetActor();
            var folder = await service.DeleteAsync(actor, AuditContext.From(http, actor), projectId!, environment!, path, folderIdOrName, force!.Value);
            return Results.Json(new JsonObject { ["folder"] = FolderJson.Folder(folder) }, ApiJson.Options);
        }).WithSummary("Delete a folder");

        group.MapGet("", async (HttpContext http, FolderService service) =>
        {
            var query = Input.ForQuery(http.Request.Query);
            var projectId = query.String(projectField, trim: true);
            var environment = query.String("environment", trim: true);
            var path = ReadPath(query, v2 ? null : "directory");
            var recursive = LenientBoolean(query.String("recursive", required: false, trim: true));
            var lastModified = ReadDateTime(query, "lastSecretModified");
            query.ThrowIfInvalid();
            var folders = await service.ListAsync(http.GetActor(), projectId!, environment!, path, recursive, lastModified);
            return Results.Json(new JsonObject
            {
                ["folders"] = new JsonArray([.. folders.Select(f => (JsonNode)(recursive ? FolderJson.WithRelativePath(f.Folder, f.Path) : FolderJson.Folder(f.Folder)))]),
            }, ApiJson.Options);
        }).WithSummary("Get folders");

        group.MapGet("/{id}", async (HttpContext http, string id, FolderService service) =>
        {
            var (folder, env, path, projectId) = await service.GetByIdAsync(http.GetActor(), id.Trim());
            return Results.Json(new JsonObject { ["folder"] = FolderJson.Detailed(folder, env, path, projectId) }, ApiJson.Options);
        }).WithSummary("Get folder by id");
    }

    private static string? ReadName(Input body)
    {
        var name = body.String("name", trim: true);
        if (name is not null && !SecretPath.IsValidFolderName(name)) body.Fail(InvalidName, "name");
        return name;
    }

    /// <summary><c>path</c> (default "/", given a leading slash, one trailing slash removed); the CLI's older <c>directory</c> when no path is sent.</summary>
    private static string ReadPath(Input input, string? legacyField)
    {
        var raw = input.Has("path") || legacyField is null ? input.String("path", required: false, trim: true) : input.String(legacyField, required: false, trim: true);
        return SecretPath.RemoveTrailingSlash(SecretPath.PrefixWithSlash(raw ?? "/"));
    }

    private static FieldUpdate<string?> ReadDescription(Input body) =>
        body.Has("description") ? FieldUpdate.Of<string?>(body.String("description", required: false, nullable: true)) : default(FieldUpdate<string?>);

    /// <summary>Infisical's <c>booleanSchema</c>: any non-empty string other than "0" and "false" is true.</summary>
    private static bool LenientBoolean(string? value) =>
        !string.IsNullOrEmpty(value) && value != "0" && !value.Equals("false", StringComparison.OrdinalIgnoreCase);

    /// <summary>zod's <c>.datetime()</c>: ISO 8601 in UTC (Z), as Unix milliseconds.</summary>
    private static long? ReadDateTime(Input query, string name)
    {
        var text = query.String(name, required: false, trim: true);
        if (text is null) return null;
        if (text.EndsWith('Z') && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            return parsed.ToUnixTimeMilliseconds();
        query.AddIssue(new ValidationIssue("invalid_string", query.PathOf(name), "Invalid datetime")
        {
            Extra = new JsonObject { ["validation"] = "datetime" },
        });
        return null;
    }
}
