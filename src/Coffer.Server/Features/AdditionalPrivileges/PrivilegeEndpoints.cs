using System.Text.Json;
using System.Text.Json.Nodes;
using Coffer.Server.Features.AuditLogs;
using Coffer.Server.Features.Projects;
using Coffer.Server.Http.Auth;
using Coffer.Server.Http.Validation;
using Coffer.Server.Permissions;

namespace Coffer.Server.Features.AdditionalPrivileges;

/// <summary>
/// Additional privileges of an identity: the v2 routes by id here, the deprecated V1 routes by project slug, identity
/// and privilege slug (Terraform's <c>infisical_project_identity_specific_privilege</c>) in the V1 part of this class.
/// </summary>
public static partial class PrivilegeEndpoints
{
    public static void MapAdditionalPrivileges(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v2/identity-project-additional-privilege").RequireActor().WithTags("Identity Specific Privileges");

        group.MapPost("", async (HttpContext http, PrivilegeService service) =>
        {
            var body = await JsonBody.ReadInputAsync(http.Request);
            var identityId = body.String("identityId", min: 1);
            var projectId = body.String("projectId", min: 1);
            var slug = Slug.Read(body, "slug", required: false, min: 1, max: 60);
            var rules = ReadRules(body, required: true);
            var timing = ReadTiming(body, required: true);
            body.ThrowIfInvalid();
            PermissionJson.ThrowIfLegacyReadMixed(rules!);
            var actor = http.GetActor();
            return TypedResults.Ok(new JsonObject
            {
                ["privilege"] = await service.CreateAsync(actor, AuditContext.From(http, actor), projectId!, identityId!, slug, rules!, timing!),
            });
        }).WithSummary("Add an additional privilege for identity");

        group.MapPatch("/{id}", async (HttpContext http, string id, PrivilegeService service) =>
        {
            var body = await JsonBody.ReadInputAsync(http.Request);
            var slug = Slug.Read(body, "slug", required: false, min: 1, max: 60);
            var rules = body.Has("permissions") ? ReadRules(body, required: false) : null;
            var timing = ReadTiming(body, required: false);
            body.ThrowIfInvalid();
            if (rules is not null) PermissionJson.ThrowIfLegacyReadMixed(rules);
            var actor = http.GetActor();
            return TypedResults.Ok(new JsonObject { ["privilege"] = await service.UpdateAsync(actor, AuditContext.From(http, actor), id.Trim(), slug, rules, timing) });
        }).WithSummary("Update a specific identity privilege");

        group.MapDelete("/{id}", async (HttpContext http, string id, PrivilegeService service) =>
        {
            var actor = http.GetActor();
            return TypedResults.Ok(new JsonObject { ["privilege"] = await service.DeleteAsync(actor, AuditContext.From(http, actor), id.Trim()) });
        }).WithSummary("Delete the specified identity privilege");

        group.MapGet("/{id}", async (HttpContext http, string id, PrivilegeService service) =>
            TypedResults.Ok(new JsonObject { ["privilege"] = await service.GetAsync(http.GetActor(), id.Trim()) }))
            .WithSummary("Retrieve details of a specific privilege by id");

        group.MapGet("/slug/{privilegeSlug}", async (HttpContext http, string privilegeSlug, PrivilegeService service, ProjectService projects) =>
        {
            var query = Input.ForQuery(http.Request.Query);
            var identityId = query.String("identityId", min: 1);
            var projectSlug = query.String("projectSlug", min: 1);
            query.ThrowIfInvalid();
            var actor = http.GetActor();
            var projectId = await projects.IdOfSlugAsync(actor, projectSlug!);
            return TypedResults.Ok(new JsonObject { ["privilege"] = await service.GetBySlugAsync(actor, projectId, identityId!, privilegeSlug) });
        }).WithSummary("Retrieve details of a specific privilege by slug");

        group.MapGet("", async (HttpContext http, PrivilegeService service) =>
        {
            var query = Input.ForQuery(http.Request.Query);
            var identityId = query.String("identityId", min: 1);
            var projectId = query.String("projectId", min: 1);
            query.ThrowIfInvalid();
            return TypedResults.Ok(new JsonObject { ["privileges"] = await service.ListAsync(http.GetActor(), projectId!, identityId!) });
        }).WithSummary("List privileges for the specified identity by project");

        MapV1(app);
    }

    private static IReadOnlyList<PermissionRule>? ReadRules(Input body, bool required)
    {
        var validation = PermissionJson.ValidateProject(body.Raw("permissions"), body.PathOf("permissions"));
        if (!required && !body.Has("permissions")) return null;
        foreach (var issue in validation.Issues) body.AddIssue(issue);
        return validation.Rules;
    }

    /// <summary>The <c>type</c> discriminated union: <c>{isTemporary:false}</c> or a temporary range from a start time.</summary>
    private static PrivilegeTiming? ReadTiming(Input body, bool required)
    {
        var type = body.Object("type", required);
        if (type is null) return null;
        var node = body.Raw("type")!["isTemporary"];
        if (node is not JsonValue v || v.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
        {
            type.AddIssue(new ValidationIssue("invalid_union_discriminator", type.PathOf("isTemporary"),
                "Invalid discriminator value. Expected false | true")
            {
                Extra = new JsonObject { ["options"] = new JsonArray(false, true) },
            });
            return null;
        }
        return v.GetValue<bool>() ? ReadTemporary(type) : new PrivilegeTiming(false);
    }

    /// <summary>A relative range from a start time, read from <paramref name="source"/>'s own fields.</summary>
    private static PrivilegeTiming? ReadTemporary(Input source)
    {
        source.Enum("temporaryMode", ["relative"], required: true);
        var range = source.String("temporaryRange");
        var start = source.String("temporaryAccessStartTime");
        if (range is null || start is null) return null;
        var ms = Duration.ParseMilliseconds(range);
        if (ms is null or <= 0) source.Fail("Temporary range must be a positive number", "temporaryRange");
        if (!IsoDateTime.TryParseUtc(start, out var startUtc))
            source.AddIssue(new ValidationIssue("invalid_string", source.PathOf("temporaryAccessStartTime"), "Invalid datetime")
            {
                Extra = new JsonObject { ["validation"] = "datetime" },
            });
        return new PrivilegeTiming(true, range, startUtc, ms);
    }
}
