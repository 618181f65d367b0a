using Coffer.Server.Crypto;
using Coffer.Server.Features.AuditLogs;
using Coffer.Server.Features.Projects;
using Coffer.Server.Http.Auth;
using Coffer.Server.Http.Validation;

namespace Coffer.Server.Features.Secrets;

/// <summary>
/// The raw secret API the SDK and CLI use: <c>/api/v3/secrets/raw[/…]</c> (project as <c>workspaceId</c> or a slug)
/// and <c>/api/v4/secrets[/…]</c> (<c>projectId</c>). Same handlers; <see cref="SecretApi"/> says what differs, and the
/// response schemas differ where Infisical's do. Batch routes and v4 move are in <see cref="SecretBatchEndpoints"/>.
/// </summary>
public static class SecretEndpoints
{
    public static void MapSecrets(this IEndpointRouteBuilder app)
    {
        var v3 = app.MapGroup("").RequireActor().WithTags("Secrets");
        v3.MapGet("/api/v3/secrets/raw", (HttpContext http, SecretReader reader, ResponseETags etags, ProjectService projects) =>
            ListAsync(http, reader, etags, projects, SecretApi.V3)).WithSummary("List secrets");
        v3.MapGet("/api/v3/secrets/raw/id/{secretId}", GetByIdAsync).WithSummary("Get a secret by id");
        v3.MapGet("/api/v3/secrets/raw/{secretName}", (HttpContext http, SecretReader reader, ResponseETags etags, ProjectService projects) =>
            GetAsync(http, reader, etags, projects, SecretApi.V3)).WithSummary("Get a secret by name");
        v3.MapPost("/api/v3/secrets/raw/{secretName}", (HttpContext http, SecretWriter writer, ProjectService projects) =>
            CreateAsync(http, writer, projects, SecretApi.V3)).WithSummary("Create secret");
        v3.MapPatch("/api/v3/secrets/raw/{secretName}", (HttpContext http, SecretWriter writer, ProjectService projects) =>
            UpdateAsync(http, writer, projects, SecretApi.V3)).WithSummary("Update secret");
        v3.MapDelete("/api/v3/secrets/raw/{secretName}", (HttpContext http, SecretWriter writer, ProjectService projects) =>
            DeleteAsync(http, writer, projects, SecretApi.V3)).WithSummary("Delete secret");

        var v4 = app.MapGroup("").RequireActor().WithTags("Secrets");
        v4.MapGet("/api/v4/secrets", (HttpContext http, SecretReader reader, ResponseETags etags, ProjectService projects) =>
            ListAsync(http, reader, etags, projects, SecretApi.V4)).WithSummary("List secrets");
        v4.MapGet("/api/v4/secrets/id/{secretId}", GetByIdAsync).WithSummary("Get a secret by id");
        v4.MapGet("/api/v4/secrets/{secretName}", (HttpContext http, SecretReader reader, ResponseETags etags, ProjectService projects) =>
            GetAsync(http, reader, etags, projects, SecretApi.V4)).WithSummary("Get a secret by name");
        v4.MapPost("/api/v4/secrets/{secretName}", (HttpContext http, SecretWriter writer, ProjectService projects) =>
            CreateAsync(http, writer, projects, SecretApi.V4)).WithSummary("Create secret");
        v4.MapPatch("/api/v4/secrets/{secretName}", (HttpContext http, SecretWriter writer, ProjectService projects) =>
            UpdateAsync(http, writer, projects, SecretApi.V4)).WithSummary("Update secret");
        v4.MapDelete("/api/v4/secrets/{secretName}", (HttpContext http, SecretWriter writer, ProjectService projects) =>
            DeleteAsync(http, writer, projects, SecretApi.V4)).WithSummary("Delete secret");

        app.MapSecretBatches();
    }

    private static async Task<IResult> ListAsync(HttpContext http, SecretReader reader, ResponseETags etags, ProjectService projects, SecretApi api)
    {
        var query = Input.ForQuery(http.Request.Query);
        var projectId = query.String(api.ProjectField, required: false, trim: true);
        var slug = api.IsV4 ? null : query.String("workspaceSlug", required: false, trim: true);
        var environment = query.String("environment", required: false, trim: true);
        var path = SecretInputs.Path(query);
        var view = query.BooleanString("viewSecretValue", true) ?? true;
        var expand = query.BooleanString("expandSecretReferences", false) ?? false;
        var recursive = query.BooleanString("recursive", false) ?? false;
        var includeImports = SecretInputs.IncludeImports(query);
        var tagSlugs = SecretInputs.TagSlugs(query);
        var metadataFilter = SecretInputs.MetadataFilter(query);
        var overrides = SecretInputs.PersonalOverrides(query);
        query.ThrowIfInvalid();

        var actor = http.GetActor();
        if (api.IsV4)
        {
            if (string.IsNullOrEmpty(projectId) || string.IsNullOrEmpty(environment))
                throw new BadRequestException("Missing project id or environment");
        }
        else
        {
            projectId = await api.ResolveProjectAsync(projects, actor, projectId, slug);
            if (string.IsNullOrEmpty(environment)) throw new BadRequestException("Missing workspace id or environment");
        }

        var result = await reader.ListAsync(actor, AuditContext.From(http, actor),
            new ListSecretsRequest(projectId, environment, path, view, expand, recursive, includeImports, tagSlugs, metadataFilter, overrides));
        return SecretResponses.JsonWithETag(http, etags, SecretResponses.List(result));
    }

    private static async Task<IResult> GetAsync(HttpContext http, SecretReader reader, ResponseETags etags, ProjectService projects, SecretApi api)
    {
        var name = SecretApi.RouteName(http);
        var query = Input.ForQuery(http.Request.Query);
        var projectId = api.IsV4 ? query.String("projectId", trim: true) : query.String("workspaceId", required: false, trim: true);
        var slug = api.IsV4 ? null : query.String("workspaceSlug", required: false, trim: true);
        var environment = query.String("environment", required: false, trim: true);
        var path = SecretInputs.Path(query);
        var version = query.Number("version");
        var type = SecretInputs.Type(query);
        var view = query.BooleanString("viewSecretValue", true) ?? true;
        var expand = query.BooleanString("expandSecretReferences", false) ?? false;
        var includeImports = SecretInputs.IncludeImports(query);
        query.ThrowIfInvalid();

        var actor = http.GetActor();
        if (!api.IsV4) projectId = await api.ResolveProjectAsync(projects, actor, projectId, slug);
        if (string.IsNullOrEmpty(environment)) throw new BadRequestException("Missing environment");
        if (string.IsNullOrEmpty(projectId)) throw new BadRequestException("You must provide  workspaceId");

        var secret = await reader.GetByNameAsync(actor, AuditContext.From(http, actor), new GetSecretRequest(
            projectId, environment, path, name, type, version is { } v ? (long)v : null, view, expand, includeImports));
        // Infisical's CLI reads the ETag of this answer as well.
        return SecretResponses.JsonWithETag(http, etags,
            SecretResponses.Fetched(secret, api.IsV4));
    }

    private static async Task<IResult> GetByIdAsync(HttpContext http, string secretId, SecretReader reader)
    {
        var secret = await reader.GetByIdAsync(http.GetActor(), secretId);
        return SecretResponses.FetchedById(secret);
    }

    private static async Task<IResult> CreateAsync(HttpContext http, SecretWriter writer, ProjectService projects, SecretApi api)
    {
        var name = SecretApi.RouteName(http, strict: true);
        var body = await JsonBody.ReadInputAsync(http.Request);
        var (projectId, slug) = api.ReadProject(body);
        var environment = body.String("environment", trim: true);
        var path = SecretInputs.Path(body);
        var input = SecretInputs.ForCreate(body, api.IsV4);
        var type = SecretInputs.Type(body);
        body.ThrowIfInvalid();

        var actor = http.GetActor();
        projectId = await api.ResolveProjectAsync(projects, actor, projectId, slug);
        var secret = await writer.CreateAsync(actor, AuditContext.From(http, actor),
            new CreateSecretRequest(new SecretLocation(projectId, environment!, path), name, type, input));
        return SecretResponses.Created(secret);
    }

    private static async Task<IResult> UpdateAsync(HttpContext http, SecretWriter writer, ProjectService projects, SecretApi api)
    {
        var name = SecretApi.RouteName(http, nonEmpty: true);
        var body = await JsonBody.ReadInputAsync(http.Request);
        var (projectId, slug) = api.ReadProject(body);
        var environment = body.String("environment", trim: true);
        var path = SecretInputs.Path(body);
        var input = SecretInputs.ForUpdate(body);
        var type = SecretInputs.Type(body);
        var newName = body.Has("newSecretName") ? SecretInputs.NewName(body, "newSecretName") : null;
        body.ThrowIfInvalid();

        var actor = http.GetActor();
        projectId = await api.ResolveProjectAsync(projects, actor, projectId, slug);
        var secret = await writer.UpdateAsync(actor, AuditContext.From(http, actor),
            new UpdateSecretRequest(new SecretLocation(projectId, environment!, path), name, type, newName, input));
        return SecretResponses.Changed(secret);
    }

    private static async Task<IResult> DeleteAsync(HttpContext http, SecretWriter writer, ProjectService projects, SecretApi api)
    {
        var name = SecretApi.RouteName(http, trim: false, nonEmpty: true);
        var body = await JsonBody.ReadInputAsync(http.Request);
        var (projectId, slug) = api.ReadProject(body);
        var environment = body.String("environment", trim: true);
        var path = SecretInputs.Path(body);
        var type = SecretInputs.Type(body);
        body.ThrowIfInvalid();

        var actor = http.GetActor();
        projectId = await api.ResolveProjectAsync(projects, actor, projectId, slug);
        var secret = await writer.DeleteAsync(actor, AuditContext.From(http, actor),
            new DeleteSecretRequest(new SecretLocation(projectId, environment!, path), name, type));
        return SecretResponses.Changed(secret);
    }
}
