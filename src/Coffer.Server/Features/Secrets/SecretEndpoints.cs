using Coffer.Server.Crypto;
using Coffer.Server.Features.AuditLogs;
using Coffer.Server.Http.Auth;
using Coffer.Server.Http.Validation;

namespace Coffer.Server.Features.Secrets;

/// <summary>
/// The raw secret API the SDK and CLI use: <c>/api/v3/secrets/raw[/…]</c> (project as <c>workspaceId</c> or a slug)
/// and <c>/api/v4/secrets[/…]</c> (<c>projectId</c>). Same handlers; response schemas differ where Infisical's do.
/// </summary>
public static class SecretEndpoints
{
    public static void MapSecrets(this IEndpointRouteBuilder app)
    {
        // Singletons from the root provider: going through HttpContext.RequestServices would create a DI scope for every
        // request (~4 % of what a secret read allocated) for services that are all singletons.
        var services = app.ServiceProvider;
        var v3 = app.MapGroup("/api/v3/secrets").RequireActor().WithTags("Secrets");
        v3.MapGet("/raw", Task<IResult> (HttpContext http) => ListAsync(http, services, SecretApi.V3)).WithSummary("List secrets");
        v3.MapGet("/raw/id/{secretId}", Task<IResult> (HttpContext http) => GetByIdAsync(http, services, (string)http.Request.RouteValues["secretId"]!)).WithSummary("Get a secret by id");
        v3.MapGet("/raw/{secretName}", Task<IResult> (HttpContext http) => GetAsync(http, services, SecretApi.V3)).WithSummary("Get a secret by name");
        v3.MapPost("/raw/{secretName}", Task<IResult> (HttpContext http) => CreateAsync(http, services, SecretApi.V3)).WithSummary("Create secret");
        v3.MapPatch("/raw/{secretName}", Task<IResult> (HttpContext http) => UpdateAsync(http, services, SecretApi.V3)).WithSummary("Update secret");
        v3.MapDelete("/raw/{secretName}", Task<IResult> (HttpContext http) => DeleteAsync(http, services, SecretApi.V3)).WithSummary("Delete secret");
        SecretBatchEndpoints.Map(v3, "/batch/raw", SecretApi.V3);

        var v4 = app.MapGroup("/api/v4/secrets").RequireActor().WithTags("Secrets");
        v4.MapGet("", Task<IResult> (HttpContext http) => ListAsync(http, services, SecretApi.V4)).WithSummary("List secrets");
        v4.MapGet("/id/{secretId}", Task<IResult> (HttpContext http) => GetByIdAsync(http, services, (string)http.Request.RouteValues["secretId"]!)).WithSummary("Get a secret by id");
        SecretBatchEndpoints.Map(v4, "/batch", SecretApi.V4);
        v4.MapPost("/move", SecretBatchEndpoints.MoveAsync).WithSummary("Move secrets");
        v4.MapGet("/{secretName}", Task<IResult> (HttpContext http) => GetAsync(http, services, SecretApi.V4)).WithSummary("Get a secret by name");
        v4.MapPost("/{secretName}", Task<IResult> (HttpContext http) => CreateAsync(http, services, SecretApi.V4)).WithSummary("Create secret");
        v4.MapPatch("/{secretName}", Task<IResult> (HttpContext http) => UpdateAsync(http, services, SecretApi.V4)).WithSummary("Update secret");
        v4.MapDelete("/{secretName}", Task<IResult> (HttpContext http) => DeleteAsync(http, services, SecretApi.V4)).WithSummary("Delete secret");
    }

    private static async Task<IResult> ListAsync(HttpContext http, IServiceProvider services, SecretApi api)
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
        query.ThrowIfInvalid();

        var actor = http.GetActor();
        if (api.IsV4)
        {
            if (string.IsNullOrEmpty(projectId) || string.IsNullOrEmpty(environment))
                throw new BadRequestException("Missing project id or environment");
        }
        else
        {
            projectId = await api.ResolveProjectAsync(http, actor, projectId, slug);
            if (string.IsNullOrEmpty(environment)) throw new BadRequestException("Missing workspace id or environment");
        }

        var reader = services.GetRequiredService<SecretReader>();
        var result = await reader.ListAsync(actor, AuditContext.From(http, actor, services),
            new ListSecretsRequest(projectId, environment, path, view, expand, recursive, includeImports, tagSlugs, metadataFilter));
        return SecretResponses.JsonWithETag(http, services.GetRequiredService<ResponseETags>(), SecretResponses.List(result));
    }

    private static async Task<IResult> GetAsync(HttpContext http, IServiceProvider services, SecretApi api)
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
        if (!api.IsV4) projectId = await api.ResolveProjectAsync(http, actor, projectId, slug);
        if (string.IsNullOrEmpty(environment)) throw new BadRequestException("Missing environment");
        if (string.IsNullOrEmpty(projectId)) throw new BadRequestException("You must provide  workspaceId");

        var reader = services.GetRequiredService<SecretReader>();
        var secret = await reader.GetByNameAsync(actor, AuditContext.From(http, actor, services), new GetSecretRequest(
            projectId, environment, path, name, type, version is { } v ? (long)v : null, view, expand, includeImports));
        // Infisical's CLI reads the ETag of this answer as well.
        return SecretResponses.JsonWithETag(http, services.GetRequiredService<ResponseETags>(),
            SecretJson.One(secret, api.IsV4 ? SecretShapes.Listed : SecretShapes.FetchedV3));
    }

    private static async Task<IResult> GetByIdAsync(HttpContext http, IServiceProvider services, string secretId)
    {
        var reader = services.GetRequiredService<SecretReader>();
        var secret = await reader.GetByIdAsync(http.GetActor(), secretId);
        return SecretResponses.Json(SecretJson.One(secret, SecretShapes.FetchedById));
    }

    private static async Task<IResult> CreateAsync(HttpContext http, IServiceProvider services, SecretApi api)
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
        projectId = await api.ResolveProjectAsync(http, actor, projectId, slug);
        var writer = services.GetRequiredService<SecretWriter>();
        var secret = await writer.CreateAsync(actor, AuditContext.From(http, actor, services),
            new CreateSecretRequest(new SecretLocation(projectId, environment!, path), name, type, input));
        return SecretResponses.Json(SecretJson.One(secret, SecretShape.Raw));
    }

    private static async Task<IResult> UpdateAsync(HttpContext http, IServiceProvider services, SecretApi api)
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
        projectId = await api.ResolveProjectAsync(http, actor, projectId, slug);
        var writer = services.GetRequiredService<SecretWriter>();
        var secret = await writer.UpdateAsync(actor, AuditContext.From(http, actor, services),
            new UpdateSecretRequest(new SecretLocation(projectId, environment!, path), name, type, newName, input));
        return SecretResponses.Json(SecretJson.One(secret, SecretShapes.Changed));
    }

    private static async Task<IResult> DeleteAsync(HttpContext http, IServiceProvider services, SecretApi api)
    {
        var name = SecretApi.RouteName(http, trim: false, nonEmpty: true);
        var body = await JsonBody.ReadInputAsync(http.Request);
        var (projectId, slug) = api.ReadProject(body);
        var environment = body.String("environment", trim: true);
        var path = SecretInputs.Path(body);
        var type = SecretInputs.Type(body);
        body.ThrowIfInvalid();

        var actor = http.GetActor();
        projectId = await api.ResolveProjectAsync(http, actor, projectId, slug);
        var writer = services.GetRequiredService<SecretWriter>();
        var secret = await writer.DeleteAsync(actor, AuditContext.From(http, actor, services),
            new DeleteSecretRequest(new SecretLocation(projectId, environment!, path), name, type));
        return SecretResponses.Json(SecretJson.One(secret, SecretShapes.Changed));
    }
}
