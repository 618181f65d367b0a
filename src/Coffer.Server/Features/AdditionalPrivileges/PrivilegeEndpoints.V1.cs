using System.Text.Json.Nodes;
using Coffer.Server.Features.AuditLogs;
using Coffer.Server.Features.Projects;
using Coffer.Server.Http.Auth;
using Coffer.Server.Http.Validation;
using Coffer.Server.Permissions;

namespace Coffer.Server.Features.AdditionalPrivileges;

/// <summary>
/// The deprecated V1 routes under <c>/api/v1/additional-privilege/identity</c>: the project by slug, the privilege by
/// slug, rules in the V1 form (<c>permissions</c>, or <c>privilegePermission</c> with several actions on secrets) and
/// backfilled as Infisical does. Everything else — the privilege boundary, the checks, the storage — is the v2 service.
/// </summary>
public static partial class PrivilegeEndpoints
{
    private const string RulesMissing = "Permission or privilegePermission must be provided";

    private static void MapV1(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("").RequireActor().WithTags("Identity Specific Privileges V1");
        group.MapPost("/api/v1/additional-privilege/identity/permanent",
            (HttpContext http, PrivilegeService service, ProjectService projects) => CreateV1Async(http, service, projects, temporary: false))
            .WithSummary("Create a permanent or a non expiry specific privilege for identity.");
        group.MapPost("/api/v1/additional-privilege/identity/temporary",
            (HttpContext http, PrivilegeService service, ProjectService projects) => CreateV1Async(http, service, projects, temporary: true))
            .WithSummary("Create a temporary or a expiring specific privilege for identity.");
        group.MapPatch("/api/v1/additional-privilege/identity", UpdateV1Async).WithSummary("Update a specific privilege of an identity.");
        group.MapDelete("/api/v1/additional-privilege/identity", DeleteV1Async).WithSummary("Delete a specific privilege of an identity.");
        group.MapGet("/api/v1/additional-privilege/identity/{privilegeSlug}", GetV1Async)
            .WithSummary("Retrieve details of a specific privilege by privilege slug.");
        group.MapGet("/api/v1/additional-privilege/identity", ListV1Async).WithSummary("List of a specific privilege of an identity in a project.");
    }

    private static async Task<IResult> CreateV1Async(HttpContext http, PrivilegeService service, ProjectService projects, bool temporary)
    {
        var body = await JsonBody.ReadInputAsync(http.Request);
        var identityId = body.String("identityId", min: 1);
        var projectSlug = body.String("projectSlug", min: 1);
        var slug = Slug.Read(body, "slug", required: false, min: 1, max: 60);
        var rules = ReadV1Rules(body);
        var timing = temporary ? ReadTemporary(body) : new PrivilegeTiming(false);
        body.ThrowIfInvalid();
        if (rules is null) throw new BadRequestException(RulesMissing);
        var actor = http.GetActor();
        var projectId = await projects.IdOfSlugAsync(actor, projectSlug!);
        var created = await service.CreateAsync(actor, AuditContext.From(http, actor), projectId, identityId!, slug, rules, timing!);
        return await V1Async(service, created);
    }

    private static async Task<IResult> UpdateV1Async(HttpContext http, PrivilegeService service, ProjectService projects)
    {
        var body = await JsonBody.ReadInputAsync(http.Request);
        var (privilegeSlug, identityId, projectSlug) = ReadSelector(body);
        var details = body.Object("privilegeDetails", required: true);
        var newSlug = details is null ? null : Slug.Read(details, "slug", required: false, min: 1, max: 60);
        var rules = details is null ? null : ReadV1Rules(details);
        PrivilegeTiming? timing = null;
        if (details?.Boolean("isTemporary") is { } isTemporary)
            timing = isTemporary ? ReadTemporary(details) : new PrivilegeTiming(false);
        body.ThrowIfInvalid();
        if (rules is null) throw new BadRequestException(RulesMissing);
        var actor = http.GetActor();
        var id = await IdOfV1Async(actor, service, projects, projectSlug, identityId, privilegeSlug);
        return await V1Async(service, await service.UpdateAsync(actor, AuditContext.From(http, actor), id, newSlug, rules, timing));
    }

    private static async Task<IResult> DeleteV1Async(HttpContext http, PrivilegeService service, ProjectService projects)
    {
        var body = await JsonBody.ReadInputAsync(http.Request);
        var (privilegeSlug, identityId, projectSlug) = ReadSelector(body);
        body.ThrowIfInvalid();
        var actor = http.GetActor();
        var id = await IdOfV1Async(actor, service, projects, projectSlug, identityId, privilegeSlug);
        var deleted = await service.DeleteAsync(actor, AuditContext.From(http, actor), id);
        return await V1Async(service, deleted);
    }

    private static async Task<IResult> GetV1Async(HttpContext http, string privilegeSlug, PrivilegeService service, ProjectService projects)
    {
        var query = Input.ForQuery(http.Request.Query);
        var identityId = query.String("identityId", min: 1);
        var projectSlug = query.String("projectSlug", min: 1);
        query.ThrowIfInvalid();
        var actor = http.GetActor();
        var projectId = await projects.IdOfSlugAsync(actor, projectSlug!);
        return await V1Async(service, await service.GetBySlugAsync(actor, projectId, identityId!, privilegeSlug.Trim()));
    }

    private static async Task<IResult> ListV1Async(HttpContext http, PrivilegeService service, ProjectService projects)
    {
        var query = Input.ForQuery(http.Request.Query);
        var identityId = query.String("identityId", min: 1);
        var projectSlug = query.String("projectSlug", min: 1);
        query.ThrowIfInvalid();
        var actor = http.GetActor();
        var projectId = await projects.IdOfSlugAsync(actor, projectSlug!);
        return TypedResults.Ok(new JsonObject { ["privileges"] = await service.ListV1Async(actor, projectId, identityId!) });
    }

    private static (string? PrivilegeSlug, string? IdentityId, string? ProjectSlug) ReadSelector(Input body) =>
        (body.String("privilegeSlug", min: 1), body.String("identityId", min: 1), body.String("projectSlug", min: 1));

    private static async Task<string> IdOfV1Async(Actor actor, PrivilegeService service, ProjectService projects, string? projectSlug,
        string? identityId, string? privilegeSlug)
    {
        var projectId = await projects.IdOfSlugAsync(actor, projectSlug!);
        return await service.IdBySlugAsync(projectId, identityId!, privilegeSlug!);
    }

    private static async Task<IResult> V1Async(PrivilegeService service, JsonObject privilege) =>
        TypedResults.Ok(new JsonObject { ["privilege"] = await service.AsV1Async(privilege) });

    /// <summary>
    /// <c>privilegePermission</c> (several actions on secrets under one condition, what Terraform sends) or
    /// <c>permissions</c> (V1 rules); null when neither is given. Either way the rules are backfilled.
    /// </summary>
    private static readonly string[] V1Actions = ["read", "create", "edit", "delete"];

    private static IReadOnlyList<PermissionRule>? ReadV1Rules(Input source)
    {
        PermissionValidation validation;
        if (source.Has("privilegePermission"))
        {
            var single = source.Object("privilegePermission", required: true);
            if (single is null) return null;
            // Infisical's ProjectSpecificPrivilegePermissionSchema: the V1 actions, checked where the client sent them.
            var actions = single.Enums("actions", V1Actions, required: true, min: 1);
            single.Enum("subject", [ProjectSubject.Secrets], required: true);
            var conditions = single.Object("conditions", required: true);
            conditions?.String("environment");
            if (actions is null || !single.IsValid) return null;
            var raw = source.Raw("privilegePermission")!;
            var rules = new JsonArray(actions.Select(action => (JsonNode)new JsonObject
            {
                ["action"] = action,
                ["subject"] = ProjectSubject.Secrets,
                ["conditions"] = raw["conditions"]!.DeepClone(),
            }).ToArray());
            validation = PermissionJson.ValidateProjectV1(rules, source.PathOf("privilegePermission"));
        }
        else if (source.Has("permissions"))
        {
            validation = PermissionJson.ValidateProjectV1(source.Raw("permissions"), source.PathOf("permissions"));
        }
        else
        {
            return null;
        }
        foreach (var issue in validation.Issues) source.AddIssue(issue);
        return validation.Issues.Count == 0 ? PermissionsV1.Backfill(validation.Rules, keepFolderRules: false) : null;
    }
}
