using Coffer.Server.Features.Projects;
using Coffer.Server.Http.Auth;
using Coffer.Server.Http.Validation;

namespace Coffer.Server.Features.Secrets;

/// <summary>
/// What differs between <c>/api/v3/secrets/raw</c> and <c>/api/v4/secrets</c>: the name of the project field
/// (<c>workspaceId</c>, or a slug, versus <c>projectId</c>) and the texts of the "missing project" errors.
/// </summary>
public sealed class SecretApi(bool v4)
{
    public static readonly SecretApi V3 = new(false);
    public static readonly SecretApi V4 = new(true);

    public bool IsV4 { get; } = v4;

    public string ProjectField => IsV4 ? "projectId" : "workspaceId";

    /// <summary>The project field of a body, and (v3) the slug alternative; v4 requires the id (a 422 when absent).</summary>
    public (string? Id, string? Slug) ReadProject(Input input, string slugField = "projectSlug")
    {
        if (IsV4) return (input.String("projectId", trim: true), null);
        return (input.String("workspaceId", required: false, trim: true), input.String(slugField, required: false, trim: true));
    }

    /// <summary>Infisical's <c>extractProjectIdFromSlug</c>: the id if given, else the project of that slug in the caller's organization.</summary>
    public async Task<string> ResolveProjectAsync(ProjectService projects, Actor actor, string? id, string? slug)
    {
        if (!string.IsNullOrEmpty(id)) return id;
        if (string.IsNullOrEmpty(slug)) throw new BadRequestException("You must provide projectSlug or workspaceId");
        return await projects.IdOfSlugAsync(actor, slug.ToLowerInvariant());
    }

    /// <summary>
    /// Reads the route's <c>secretName</c> with the route's schema: create is strict (a new name), update trims and
    /// needs a character, delete needs a character untrimmed, reads only trim.
    /// </summary>
    public static string RouteName(HttpContext http, bool strict = false, bool trim = true, bool nonEmpty = false)
    {
        var route = Input.ForRoute(http.Request.RouteValues);
        var name = strict ? SecretInputs.NewName(route, "secretName") : route.String("secretName", trim: trim, min: nonEmpty ? 1 : null);
        route.ThrowIfInvalid();
        return name!;
    }
}
