using System.Text.Json.Nodes;
using Coffer.Server.Http;
using Coffer.Server.Http.Auth;
using Coffer.Server.Http.Validation;

namespace Coffer.Server.Features.SecretTags;

/// <summary>Secret tags under <c>/api/v1/workspace/{projectId}/tags</c> (Infisical's mount) and <c>/api/v1/projects/{projectId}/tags</c>.</summary>
public static class TagEndpoints
{
    public static void MapSecretTags(this IEndpointRouteBuilder app)
    {
        foreach (var prefix in new[] { "/api/v1/workspace/{projectId}/tags", "/api/v1/projects/{projectId}/tags" })
        {
            var group = app.MapGroup(prefix).RequireActor().WithTags("Secret tags");
            group.MapGet("", async (HttpContext http, string projectId, TagService service) =>
                Results.Json(new JsonObject
                {
                    ["tags"] = new JsonArray([.. (await service.ListAsync(http.GetActor(), projectId.Trim())).Select(t => (JsonNode)TagService.Json(t))]),
                }, ApiJson.Options)).WithSummary("List secret tags");
            group.MapGet("/slug/{tagSlug}", async (HttpContext http, string projectId, string tagSlug, TagService service) =>
                Results.Json(new JsonObject { ["tag"] = TagService.Json(await service.GetBySlugAsync(http.GetActor(), projectId.Trim(), tagSlug.Trim()), withName: true) },
                    ApiJson.Options)).WithSummary("Get secret tag by slug");
            group.MapGet("/{tagId}", async (HttpContext http, string tagId, TagService service) =>
                Results.Json(new JsonObject { ["tag"] = TagService.Json(await service.GetAsync(http.GetActor(), tagId.Trim()), withName: true) },
                    ApiJson.Options)).WithSummary("Get secret tag by id");
            group.MapPost("", async (HttpContext http, string projectId, TagService service) =>
            {
                var body = await JsonBody.ReadInputAsync(http.Request);
                var slug = Slug.Read(body, "slug", max: 64);
                var color = body.String("color", trim: true);
                body.ThrowIfInvalid();
                var tag = await service.CreateAsync(http.GetActor(), projectId.Trim(), slug!, color);
                return Results.Json(new JsonObject { ["tag"] = TagService.Json(tag) }, ApiJson.Options);
            }).WithSummary("Create secret tag");
            group.MapPatch("/{tagId}", async (HttpContext http, string tagId, TagService service) =>
            {
                var body = await JsonBody.ReadInputAsync(http.Request);
                var slug = Slug.Read(body, "slug", max: 64);
                var color = body.String("color", trim: true);
                body.ThrowIfInvalid();
                var tag = await service.UpdateAsync(http.GetActor(), tagId.Trim(), slug, color);
                return Results.Json(new JsonObject { ["tag"] = TagService.Json(tag) }, ApiJson.Options);
            }).WithSummary("Update secret tag");
            group.MapDelete("/{tagId}", async (HttpContext http, string tagId, TagService service) =>
                Results.Json(new JsonObject { ["tag"] = TagService.Json(await service.DeleteAsync(http.GetActor(), tagId.Trim())) }, ApiJson.Options))
                .WithSummary("Delete secret tag");
        }
    }
}
