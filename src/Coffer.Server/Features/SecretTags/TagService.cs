using System.Text.Json.Nodes;
using Coffer.Server.Data;
using Coffer.Server.Features.Secrets;
using Coffer.Server.Http;
using Coffer.Server.Http.Auth;
using Coffer.Server.Permissions;

namespace Coffer.Server.Features.SecretTags;

/// <summary>A project's secret tags (Infisical's secret-tag service: unique slugs, <c>tags</c> permissions).</summary>
public sealed class TagService(Db db, PermissionService permissions, ProjectContentCache content, TimeProvider time)
{
    public async Task<IReadOnlyList<TagRow>> ListAsync(Actor actor, string projectId)
    {
        var access = await permissions.ForProjectAsync(actor, projectId);
        access.Require(PermissionAction.Read, ProjectSubject.Tags);
        return await db.ReadAsync(conn => TagStore.ListAsync(conn, projectId));
    }

    public async Task<TagRow> GetAsync(Actor actor, string id)
    {
        var tag = await db.ReadAsync(conn => TagStore.FindAsync(conn, id)) ?? throw new NotFoundException($"Tag with ID '{id}' not found");
        var access = await permissions.ForProjectAsync(actor, tag.ProjectId);
        access.Require(PermissionAction.Read, ProjectSubject.Tags);
        return tag;
    }

    public async Task<TagRow> GetBySlugAsync(Actor actor, string projectId, string slug)
    {
        var tag = await db.ReadAsync(conn => TagStore.FindBySlugAsync(conn, projectId, slug))
            ?? throw new NotFoundException($"Tag with slug '{slug}' not found");
        var access = await permissions.ForProjectAsync(actor, tag.ProjectId);
        access.Require(PermissionAction.Read, ProjectSubject.Tags);
        return tag;
    }

    public async Task<TagRow> CreateAsync(Actor actor, string projectId, string slug, string? color)
    {
        var access = await permissions.ForProjectAsync(actor, projectId);
        access.Require(PermissionAction.Create, ProjectSubject.Tags);
        var now = UnixMs.Now(time);
        var tag = new TagRow
        {
            Id = Ids.New(),
            ProjectId = projectId,
            Slug = slug,
            Color = color,
            CreatedBy = actor.Id,
            CreatedByActorType = actor.TypeName,
            CreatedAt = now,
            UpdatedAt = now,
        };
        await db.WriteAsync(async (conn, tx) =>
        {
            if (await TagStore.FindBySlugAsync(conn, projectId, slug, tx) is not null) throw new BadRequestException("Tag already exists");
            try
            {
                await TagStore.InsertAsync(conn, tx, tag);
            }
            catch (Exception ex) when (UniqueViolation.Is(ex))
            {
                throw new BadRequestException("Tag already exists");
            }
        });
        return tag;
    }

    public async Task<TagRow> UpdateAsync(Actor actor, string id, string? slug, string? color)
    {
        var tag = await db.ReadAsync(conn => TagStore.FindAsync(conn, id)) ?? throw new NotFoundException($"Tag with ID '{id}' not found");
        // Authorized before the clash check (Infisical checks the slug first), so no one outside the project learns
        // which slugs it uses.
        var access = await permissions.ForProjectAsync(actor, tag.ProjectId);
        access.Require(PermissionAction.Edit, ProjectSubject.Tags);
        if (slug is not null)
        {
            var clash = await db.ReadAsync(conn => TagStore.FindBySlugAsync(conn, tag.ProjectId, slug));
            if (clash is not null && clash.Id != tag.Id) throw new BadRequestException("Tag already exists");
        }
        var updated = new TagRow
        {
            Id = tag.Id,
            ProjectId = tag.ProjectId,
            Slug = slug ?? tag.Slug,
            Color = color ?? tag.Color,
            CreatedBy = tag.CreatedBy,
            CreatedByActorType = tag.CreatedByActorType,
            CreatedAt = tag.CreatedAt,
            UpdatedAt = UnixMs.Now(time),
        };
        await db.WriteAsync(async (conn, tx) =>
        {
            // A new slug changes the tags every tagged secret is checked on.
            if (updated.Slug != tag.Slug)
                AffectedSecrets.RequireRelabel(access, await AffectedSecrets.WithTagAsync(conn, tx, tag.ProjectId, tag.Id),
                    s => s with { Tags = [.. s.Tags.Where(t => t != tag.Slug), updated.Slug] });
            try
            {
                await TagStore.UpdateAsync(conn, tx, updated);
            }
            catch (Exception ex) when (UniqueViolation.Is(ex))
            {
                throw new BadRequestException("Tag already exists");
            }
            // Secrets show their tags' slugs, and permissions match on them.
            await ProjectContentVersion.BumpAsync(conn, tx, tag.ProjectId);
        });
        content.Forget(tag.ProjectId);
        return updated;
    }

    public async Task<TagRow> DeleteAsync(Actor actor, string id)
    {
        var tag = await db.ReadAsync(conn => TagStore.FindAsync(conn, id)) ?? throw new NotFoundException($"Tag with ID '{id}' not found");
        var access = await permissions.ForProjectAsync(actor, tag.ProjectId);
        access.Require(PermissionAction.Delete, ProjectSubject.Tags);
        await db.WriteAsync(async (conn, tx) =>
        {
            // The tag comes off every secret that carries it; a rule on the tag stops applying to them.
            AffectedSecrets.RequireRelabel(access, await AffectedSecrets.WithTagAsync(conn, tx, tag.ProjectId, tag.Id),
                s => s with { Tags = [.. s.Tags.Where(t => t != tag.Slug)] });
            await TagStore.DeleteAsync(conn, tx, tag.Id);
            await ProjectContentVersion.BumpAsync(conn, tx, tag.ProjectId);
        });
        content.Forget(tag.ProjectId);
        return tag;
    }

    /// <summary>Infisical's SecretTagsSchema (the by-id and by-slug reads add <c>name</c>, equal to the slug).</summary>
    public static JsonObject Json(TagRow t, bool withName = false)
    {
        var json = new JsonObject
        {
            ["id"] = t.Id,
            ["slug"] = t.Slug,
            ["color"] = t.Color,
            ["createdAt"] = ApiJson.FormatTime(UnixMs.ToUtc(t.CreatedAt)),
            ["updatedAt"] = ApiJson.FormatTime(UnixMs.ToUtc(t.UpdatedAt)),
            ["createdBy"] = t.CreatedBy,
            ["projectId"] = t.ProjectId,
            ["createdByActorType"] = t.CreatedByActorType,
        };
        if (withName) json["name"] = t.Slug;
        return json;
    }
}
