using System.Text.Json.Nodes;
using Coffer.Server.Features.AuditLogs;
using Coffer.Server.Features.Projects;
using Coffer.Server.Http;
using Coffer.Server.Http.Auth;
using Coffer.Server.Http.Validation;

namespace Coffer.Server.Features.Secrets;

/// <summary>Batch create/update/delete (<c>/api/v3/secrets/batch/raw</c>, <c>/api/v4/secrets/batch</c>) and v4 move.</summary>
public static class SecretBatchEndpoints
{
    public static void MapSecretBatches(this IEndpointRouteBuilder app)
    {
        var v3 = app.MapGroup("").RequireActor().WithTags("Secrets");
        v3.MapPost("/api/v3/secrets/batch/raw", (HttpContext http, SecretWriter writer, ProjectService projects) =>
            CreateAsync(http, writer, projects, SecretApi.V3)).WithSummary("Create many secrets");
        v3.MapPatch("/api/v3/secrets/batch/raw", (HttpContext http, SecretWriter writer, ProjectService projects) =>
            UpdateAsync(http, writer, projects, SecretApi.V3)).WithSummary("Update many secrets");
        v3.MapDelete("/api/v3/secrets/batch/raw", (HttpContext http, SecretWriter writer, ProjectService projects) =>
            DeleteAsync(http, writer, projects, SecretApi.V3)).WithSummary("Delete many secrets");

        var v4 = app.MapGroup("").RequireActor().WithTags("Secrets");
        v4.MapPost("/api/v4/secrets/batch", (HttpContext http, SecretWriter writer, ProjectService projects) =>
            CreateAsync(http, writer, projects, SecretApi.V4)).WithSummary("Create many secrets");
        v4.MapPatch("/api/v4/secrets/batch", (HttpContext http, SecretWriter writer, ProjectService projects) =>
            UpdateAsync(http, writer, projects, SecretApi.V4)).WithSummary("Update many secrets");
        v4.MapDelete("/api/v4/secrets/batch", (HttpContext http, SecretWriter writer, ProjectService projects) =>
            DeleteAsync(http, writer, projects, SecretApi.V4)).WithSummary("Delete many secrets");
        v4.MapPost("/api/v4/secrets/move", MoveAsync).WithSummary("Move secrets");
    }

    private static async Task<IResult> CreateAsync(HttpContext http, SecretWriter writer, ProjectService projects, SecretApi api)
    {
        var body = await JsonBody.ReadInputAsync(http.Request);
        var (projectId, slug) = api.ReadProject(body);
        var environment = body.String("environment", trim: true);
        var path = SecretInputs.Path(body);
        var items = new List<BatchCreateItem>();
        foreach (var item in body.Objects("secrets", required: true, min: 1) ?? [])
        {
            var key = SecretInputs.NewName(item, "secretKey");
            item.Raw("metadata");
            var input = SecretInputs.ForCreate(item, api.IsV4);
            items.Add(new BatchCreateItem(key ?? "", input));
        }
        body.ThrowIfInvalid();

        var actor = http.GetActor();
        projectId = await api.ResolveProjectAsync(projects, actor, projectId, slug);
        var secrets = await writer.CreateManyAsync(actor, AuditContext.From(http, actor), new SecretLocation(projectId, environment!, path), items);
        return SecretResponses.Created(secrets);
    }

    private static async Task<IResult> UpdateAsync(HttpContext http, SecretWriter writer, ProjectService projects, SecretApi api)
    {
        var body = await JsonBody.ReadInputAsync(http.Request);
        var (projectId, slug) = api.ReadProject(body);
        var environment = body.String("environment", trim: true);
        var path = SecretInputs.Path(body);
        var mode = body.Enum("mode", BatchUpdateModes.All, BatchUpdateModes.FailOnNotFound) ?? BatchUpdateModes.FailOnNotFound;
        var items = new List<BatchUpdateItem>();
        foreach (var item in body.Objects("secrets", required: true, min: 1) ?? [])
        {
            // An upsert may create the secret, so its key is held to the rule for new names.
            var key = mode == BatchUpdateModes.Upsert ? SecretInputs.NewName(item, "secretKey") : SecretInputs.StrictName(item, "secretKey");
            var itemPath = item.Has("secretPath") ? SecretInputs.Path(item) : null;
            var newName = item.Has("newSecretName") ? SecretInputs.NewName(item, "newSecretName") : null;
            var input = SecretInputs.ForUpdate(item) with { Comment = item.String("secretComment", required: false, trim: true, allowNul: true) };
            items.Add(new BatchUpdateItem(key ?? "", itemPath, newName, input));
        }
        body.ThrowIfInvalid();

        var actor = http.GetActor();
        projectId = await api.ResolveProjectAsync(projects, actor, projectId, slug);
        var secrets = await writer.UpdateManyAsync(actor, AuditContext.From(http, actor), new SecretLocation(projectId, environment!, path), mode, items);
        return SecretResponses.Changed(secrets);
    }

    private static async Task<IResult> DeleteAsync(HttpContext http, SecretWriter writer, ProjectService projects, SecretApi api)
    {
        var body = await JsonBody.ReadInputAsync(http.Request);
        var (projectId, slug) = api.ReadProject(body);
        var environment = body.String("environment", trim: true);
        var path = SecretInputs.Path(body);
        var items = new List<BatchDeleteItem>();
        foreach (var item in body.Objects("secrets", required: true, min: 1) ?? [])
            items.Add(new BatchDeleteItem(item.String("secretKey") ?? "", SecretInputs.Type(item)));
        body.ThrowIfInvalid();

        var actor = http.GetActor();
        projectId = await api.ResolveProjectAsync(projects, actor, projectId, slug);
        var secrets = await writer.DeleteManyAsync(actor, AuditContext.From(http, actor), new SecretLocation(projectId, environment!, path), items);
        return SecretResponses.Changed(secrets);
    }

    private static async Task<IResult> MoveAsync(HttpContext http, SecretWriter writer)
    {
        var body = await JsonBody.ReadInputAsync(http.Request);
        var projectId = body.String("projectId", trim: true);
        var sourceEnvironment = body.String("sourceEnvironment", trim: true);
        var sourcePath = SecretInputs.Path(body, "sourceSecretPath");
        var destinationEnvironment = body.String("destinationEnvironment", trim: true);
        var destinationPath = SecretInputs.Path(body, "destinationSecretPath");
        var secretIds = body.Strings("secretIds", required: true);
        var overwrite = body.Boolean("shouldOverwrite", fallback: false);
        body.ThrowIfInvalid();

        var actor = http.GetActor();
        var (source, destination) = await writer.MoveAsync(actor, AuditContext.From(http, actor), new MoveSecretsRequest(
            projectId!, sourceEnvironment!, sourcePath, destinationEnvironment!, destinationPath, secretIds!, overwrite!.Value));
        return Results.Json(new JsonObject { ["isSourceUpdated"] = source, ["isDestinationUpdated"] = destination }, ApiJson.Options);
    }
}
