using Coffer.Server.Features.AuditLogs;
using Coffer.Server.Http.Auth;
using Coffer.Server.Http.Validation;

namespace Coffer.Server.Features.Identities;

public static class IdentityEndpoints
{
    public static void MapIdentities(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/identities").RequireActor().WithTags("Identities");

        group.MapPost("/", async (HttpContext http, IdentityService service) =>
        {
            var body = await JsonBody.ReadInputAsync(http.Request);
            var request = new CreateIdentityRequest(
                body.String("name", trim: true, min: 1, max: 256)!,
                body.String("organizationId", trim: true)!,
                body.String("role", trim: true, min: 1, fallback: "no-access")!,
                body.Boolean("hasDeleteProtection", fallback: false)!.Value,
                ReadMetadata(body));
            body.ThrowIfInvalid();
            var actor = http.GetActor();
            return TypedResults.Ok(new IdentityEnvelope<CreatedIdentityDto>(
                await service.CreateAsync(actor, AuditContext.From(http, actor), request)));
        }).WithSummary("Create identity");

        group.MapPatch("/{identityId}", async (HttpContext http, string identityId, IdentityService service) =>
        {
            var body = await JsonBody.ReadInputAsync(http.Request);
            var request = new UpdateIdentityRequest(
                body.String("name", required: false, trim: true, min: 1, max: 256),
                body.String("role", required: false, trim: true, min: 1),
                body.Boolean("hasDeleteProtection"),
                ReadMetadata(body));
            body.ThrowIfInvalid();
            var actor = http.GetActor();
            return TypedResults.Ok(new IdentityEnvelope<IdentityDto>(
                await service.UpdateAsync(actor, AuditContext.From(http, actor), identityId.Trim(), request)));
        }).WithSummary("Update identity");

        group.MapDelete("/{identityId}", async (HttpContext http, string identityId, IdentityService service) =>
        {
            var actor = http.GetActor();
            return TypedResults.Ok(new IdentityEnvelope<IdentityDto>(
                await service.DeleteAsync(actor, AuditContext.From(http, actor), identityId.Trim())));
        }).WithSummary("Delete identity");

        group.MapGet("/{identityId}", async (HttpContext http, string identityId, IdentityService service) =>
            TypedResults.Ok(new IdentityEnvelope<IdentityMembershipDto>(await service.GetAsync(http.GetActor(), identityId.Trim()))))
            .WithSummary("Get an identity by id");

        group.MapGet("/", async (HttpContext http, IdentityService service) =>
        {
            var query = Input.ForQuery(http.Request.Query);
            var orgId = query.String("orgId", trim: true);
            var offset = query.Integer("offset", min: 0, fallback: 0);
            var limit = query.Integer("limit", min: 1, max: 20000, fallback: 100);
            var search = query.String("search", required: false, trim: true);
            var direction = query.Enum("orderDirection", ["asc", "desc"], "asc");
            query.ThrowIfInvalid();
            return TypedResults.Ok(await service.ListAsync(http.GetActor(), orgId!, (int)offset!, (int)limit!, search, direction == "desc"));
        }).WithSummary("List identities");
    }

    internal static IReadOnlyList<(string Key, string Value)>? ReadMetadata(Input body)
    {
        var items = body.Objects("metadata");
        if (items is null) return null;
        var result = new List<(string, string)>(items.Count);
        foreach (var item in items)
        {
            var key = item.String("key", trim: true, min: 1);
            var value = item.String("value", trim: true, min: 1);
            if (key is not null && value is not null) result.Add((key, value));
        }
        return result;
    }
}
