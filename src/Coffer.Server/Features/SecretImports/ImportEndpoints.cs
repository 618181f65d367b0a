using System.Text.Json.Nodes;
using Coffer.Server.Data;
using Coffer.Server.Features.AuditLogs;
using Coffer.Server.Features.Secrets;
using Coffer.Server.Http;
using Coffer.Server.Http.Auth;
using Coffer.Server.Http.Validation;

namespace Coffer.Server.Features.SecretImports;

/// <summary><c>/api/v1/secret-imports</c> (project as <c>workspaceId</c>) and <c>/api/v2/secret-imports</c> (<c>projectId</c>).</summary>
public static class ImportEndpoints
{
    public static void MapSecretImports(this IEndpointRouteBuilder app)
    {
        Map(app.MapGroup("/api/v1/secret-imports").RequireActor().WithTags("Secret imports"), "workspaceId", "/secrets/raw");
        Map(app.MapGroup("/api/v2/secret-imports").RequireActor().WithTags("Secret imports"), "projectId", "/secrets");
    }

    private static void Map(RouteGroupBuilder group, string projectField, string secretsRoute)
    {
        group.MapPost("", async (HttpContext http, ImportService service) =>
        {
            var body = await JsonBody.ReadInputAsync(http.Request);
            var projectId = body.String(projectField, trim: true);
            var environment = body.String("environment", trim: true);
            var path = SecretInputs.Path(body, "path");
            var import = body.Object("import", required: true);
            var importEnvironment = import?.String("environment", trim: true);
            var importPath = import is null ? "/" : ImportPath(import, required: true);
            var replication = body.Boolean("isReplication", fallback: false);
            body.ThrowIfInvalid();
            var actor = http.GetActor();
            var created = await service.CreateAsync(actor, AuditContext.From(http, actor), projectId!, environment!, path, importEnvironment!, importPath,
                replication!.Value);
            return Results.Json(new JsonObject { ["message"] = "Successfully created secret import", ["secretImport"] = Json(created) }, ApiJson.Options);
        }).WithSummary("Create secret imports");

        group.MapPatch("/{secretImportId}", async (HttpContext http, string secretImportId, ImportService service) =>
        {
            var body = await JsonBody.ReadInputAsync(http.Request);
            var projectId = body.String(projectField, trim: true);
            var environment = body.String("environment", trim: true);
            var path = SecretInputs.Path(body, "path");
            var import = body.Object("import", required: true);
            var change = new ImportChange(
                import is not null && import.Has("environment") ? FieldUpdate.Of<string>(import.String("environment", trim: true) ?? "") : default(FieldUpdate<string>),
                import is not null && import.Has("path") ? FieldUpdate.Of<string>(ImportPath(import, required: false)) : default(FieldUpdate<string>),
                import?.Integer("position"));
            body.ThrowIfInvalid();
            var actor = http.GetActor();
            var updated = await service.UpdateAsync(actor, AuditContext.From(http, actor), projectId!, environment!, path, secretImportId.Trim(), change);
            return Results.Json(new JsonObject { ["message"] = "Successfully updated secret import", ["secretImport"] = Json(updated) }, ApiJson.Options);
        }).WithSummary("Update secret imports");

        group.MapDelete("/{secretImportId}", async (HttpContext http, string secretImportId, ImportService service) =>
        {
            var body = await JsonBody.ReadInputAsync(http.Request);
            var projectId = body.String(projectField, trim: true);
            var environment = body.String("environment", trim: true);
            var path = SecretInputs.Path(body, "path");
            body.ThrowIfInvalid();
            var actor = http.GetActor();
            var deleted = await service.DeleteAsync(actor, AuditContext.From(http, actor), projectId!, environment!, path, secretImportId.Trim());
            return Results.Json(new JsonObject { ["message"] = "Successfully deleted secret import", ["secretImport"] = Json(deleted) }, ApiJson.Options);
        }).WithSummary("Delete secret imports");

        group.MapGet("", async (HttpContext http, ImportService service) =>
        {
            var query = Input.ForQuery(http.Request.Query);
            var projectId = query.String(projectField, trim: true);
            var environment = query.String("environment", trim: true);
            var path = SecretInputs.Path(query, "path");
            query.ThrowIfInvalid();
            var actor = http.GetActor();
            var imports = await service.ListAsync(actor, AuditContext.From(http, actor), projectId!, environment!, path);
            return Results.Json(new JsonObject
            {
                ["message"] = "Successfully fetched secret imports",
                ["secretImports"] = new JsonArray([.. imports.Select(i => (JsonNode)Json(i))]),
            }, ApiJson.Options);
        }).WithSummary("Get secret imports");

        group.MapGet(secretsRoute, async (HttpContext http, ImportService service) =>
        {
            var query = Input.ForQuery(http.Request.Query);
            var projectId = query.String(projectField, trim: true);
            var environment = query.String("environment", trim: true);
            var path = SecretInputs.Path(query, "path");
            query.ThrowIfInvalid();
            var (groups, tree) = await service.SecretsAsync(http.GetActor(), projectId!, environment!, path);
            var count = 0;
            foreach (var g in groups) count += g.Secrets.Count;
            Diagnostics.CofferMetrics.Read(count);
            return PooledJsonBody.Serialize(
                new ImportedSecretsResponse(Arrays.Map(groups, g => new ImportedSecretsGroupJson(g, tree.Environment(g.Environment)!.Environment))),
                ImportJsonContext.Default.ImportedSecretsResponse);
        }).WithSummary("Get raw secrets from imports");

        group.MapGet("/{secretImportId}", async (HttpContext http, string secretImportId, ImportService service) =>
        {
            var actor = http.GetActor();
            var (import, env, path, projectId) = await service.GetAsync(actor, AuditContext.From(http, actor), secretImportId.Trim());
            var json = Json(import);
            json["environment"] = new JsonObject { ["id"] = env.Id, ["name"] = env.Name, ["slug"] = env.Slug };
            json["projectId"] = projectId;
            json["secretPath"] = path;
            return Results.Json(new JsonObject { ["secretImport"] = json }, ApiJson.Options);
        }).WithSummary("Get single secret import");
    }

    private static string ImportPath(Input import, bool required)
    {
        var raw = import.String("path", required: required, trim: true);
        return raw is null ? "/" : Folders.SecretPath.Normalize(Folders.SecretPath.RemoveTrailingSlash(raw));
    }

    /// <summary>Infisical's SecretImportsSchema with <c>importEnv</c> expanded to <c>{name, slug, id}</c>.</summary>
    private static JsonObject Json(ImportDetails d) => new()
    {
        ["id"] = d.Import.Id,
        ["version"] = d.Import.Version,
        ["importPath"] = d.Import.ImportPath,
        ["importEnv"] = new JsonObject { ["name"] = d.ImportEnvironment.Name, ["slug"] = d.ImportEnvironment.Slug, ["id"] = d.ImportEnvironment.Id },
        ["position"] = d.Import.Position,
        ["createdAt"] = ApiJson.FormatTime(UnixMs.ToUtc(d.Import.CreatedAt)),
        ["updatedAt"] = ApiJson.FormatTime(UnixMs.ToUtc(d.Import.UpdatedAt)),
        ["folderId"] = d.Import.FolderId,
        ["isReplication"] = d.Import.IsReplication,
        ["isReplicationSuccess"] = null,
        ["replicationStatus"] = null,
        ["lastReplicated"] = null,
        ["isReserved"] = false,
    };
}
