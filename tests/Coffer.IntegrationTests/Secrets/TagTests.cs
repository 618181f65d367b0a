using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Secrets;

public sealed class TagTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private static readonly string[] TagKeys = ["id", "slug", "color", "createdAt", "updatedAt", "createdBy", "projectId", "createdByActorType"];

    private Api Api => fx.Api;

    private async Task<string> TagAsync(TestProject p, string slug, string color = "#ff0000")
    {
        var r = await Api.PostAsync($"/api/v1/workspace/{p.Id}/tags", new { slug, color }, fx.AdminToken);
        Expect.Ok(r);
        return r.Json["tag"]!["id"]!.GetValue<string>();
    }

    [Fact]
    public async Task Tag_crud()
    {
        var p = await fx.Given.TestProjectAsync();
        var created = await Api.PostAsync($"/api/v1/projects/{p.Id}/tags", new { slug = "Backend", color = "blue" }, fx.AdminToken);
        Expect.Ok(created);
        var tag = created.Json["tag"]!.AsObject();
        Expect.Keys(tag, TagKeys);
        Assert.Equal("backend", tag["slug"]!.GetValue<string>());
        Assert.Equal("identity", tag["createdByActorType"]!.GetValue<string>());
        var id = tag["id"]!.GetValue<string>();

        Expect.Error(await Api.PostAsync($"/api/v1/workspace/{p.Id}/tags", new { slug = "backend", color = "x" }, fx.AdminToken), 400, "BadRequest", "Tag already exists");

        var byId = await Api.GetAsync($"/api/v1/workspace/{p.Id}/tags/{id}", fx.AdminToken);
        Expect.Keys(byId.Json["tag"]!.AsObject(), [.. TagKeys, "name"]);
        var bySlug = await Api.GetAsync($"/api/v1/workspace/{p.Id}/tags/slug/backend", fx.AdminToken);
        Assert.Equal(id, bySlug.Json["tag"]!["id"]!.GetValue<string>());
        Expect.Error(await Api.GetAsync($"/api/v1/workspace/{p.Id}/tags/slug/nope", fx.AdminToken), 404, "NotFound", "Tag with slug 'nope' not found");

        var updated = await Api.PatchAsync($"/api/v1/workspace/{p.Id}/tags/{id}", new { slug = "api", color = "green" }, fx.AdminToken);
        Expect.Ok(updated);
        Assert.Equal("api", updated.Json["tag"]!["slug"]!.GetValue<string>());

        var list = await Api.GetAsync($"/api/v1/workspace/{p.Id}/tags", fx.AdminToken);
        Assert.Equal(["api"], list.Json["tags"]!.AsArray().Select(t => t!["slug"]!.GetValue<string>()));

        Expect.Ok(await Api.DeleteAsync($"/api/v1/workspace/{p.Id}/tags/{id}", fx.AdminToken));
        Expect.Error(await Api.DeleteAsync($"/api/v1/workspace/{p.Id}/tags/{id}", fx.AdminToken), 404, "NotFound", $"Tag with ID '{id}' not found");
        Expect.Validation(await Api.PostAsync($"/api/v1/workspace/{p.Id}/tags", new { slug = "a b" }, fx.AdminToken),
            Issue.Custom(["slug"], "Slug field can only contain letters, numbers, and hyphens"), Issue.Required(["color"], "string"));
    }

    [Fact]
    public async Task A_rename_by_someone_outside_the_project_is_refused_before_anything_about_its_slugs_is_said()
    {
        var p = await fx.Given.TestProjectAsync();
        var id = await TagAsync(p, "internal-only");
        await TagAsync(p, "taken");
        var (_, _, outsider) = await OtherOrg.CreateAsync(fx.Server);
        var (_, viewer) = await fx.Given.ProjectMemberAsync(p.Id, "viewer");

        // The same 403 whether the slug is taken or not: a clash is only told to someone who may edit tags.
        foreach (var slug in new[] { "taken", "free" })
        {
            Expect.Error(await Api.PatchAsync($"/api/v1/workspace/{p.Id}/tags/{id}", new { slug, color = "red" }, outsider), 403, "ForbiddenError",
                "This project does not belong to your selected organization.");
            Expect.Error(await Api.PatchAsync($"/api/v1/workspace/{p.Id}/tags/{id}", new { slug, color = "red" }, viewer), 403, "PermissionDenied",
                "You are not allowed to edit on tags", allowDetails: true);
        }
        Expect.Error(await Api.PatchAsync($"/api/v1/workspace/{p.Id}/tags/{id}", new { slug = "taken", color = "red" }, fx.AdminToken), 400, "BadRequest", "Tag already exists");
        var list = await Api.GetAsync($"/api/v1/workspace/{p.Id}/tags", fx.AdminToken);
        Assert.Equal(["internal-only", "taken"], list.Json["tags"]!.AsArray().Select(t => t!["slug"]!.GetValue<string>()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Secrets_carry_tags_and_lists_filter_by_tag_slugs()
    {
        var p = await fx.Given.TestProjectAsync();
        var red = await TagAsync(p, "red");
        var blue = await TagAsync(p, "blue", "#0000ff");
        Expect.Ok(await Api.PostAsync("/api/v3/secrets/raw/RED", new { workspaceId = p.Id, environment = "dev", secretValue = "r", tagIds = new[] { red } }, fx.AdminToken));
        Expect.Ok(await Api.PostAsync("/api/v3/secrets/raw/BOTH", new { workspaceId = p.Id, environment = "dev", secretValue = "b", tagIds = new[] { red, blue } }, fx.AdminToken));
        await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "PLAIN", "p");

        var all = await SecretKeys.ListAsync(Api, fx.AdminToken, p.Id);
        var both = all["secrets"]!.AsArray().Single(s => s!["secretKey"]!.GetValue<string>() == "BOTH")!;
        Assert.Equal(["blue", "red"], both["tags"]!.AsArray().Select(t => t!["slug"]!.GetValue<string>()));
        Expect.Keys(both["tags"]![0]!.AsObject(), "id", "slug", "color", "name");
        Assert.Equal("blue", both["tags"]![0]!["name"]!.GetValue<string>());

        var filtered = await SecretKeys.ListAsync(Api, fx.AdminToken, p.Id, "&tagSlugs=blue");
        Assert.Equal(["BOTH"], SecretKeys.Values(filtered).Keys);
        var either = await SecretKeys.ListAsync(Api, fx.AdminToken, p.Id, "&tagSlugs=red,%20blue");
        Assert.Equal(["RED", "BOTH"], SecretKeys.Values(either).Keys);

        var retag = await Api.PatchAsync("/api/v3/secrets/raw/BOTH", new { workspaceId = p.Id, environment = "dev", tagIds = Array.Empty<string>() }, fx.AdminToken);
        Expect.Ok(retag);
        Assert.Equal(["RED"], SecretKeys.Values(await SecretKeys.ListAsync(Api, fx.AdminToken, p.Id, "&tagSlugs=red")).Keys);

        var unknown = await Api.PostAsync("/api/v3/secrets/raw/BAD", new { workspaceId = p.Id, environment = "dev", secretValue = "x", tagIds = new[] { red, Guid.NewGuid().ToString() } },
            fx.AdminToken);
        Expect.Error(unknown, 404, "NotFound", "Tag not found. Found red");
    }

    [Fact]
    public async Task Tag_conditions_limit_what_an_identity_sees()
    {
        var p = await fx.Given.TestProjectAsync();
        var team = await TagAsync(p, "team-a");
        Expect.Ok(await Api.PostAsync("/api/v3/secrets/raw/MINE", new { workspaceId = p.Id, environment = "dev", secretValue = "m", tagIds = new[] { team } }, fx.AdminToken));
        await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "THEIRS", "t");
        var (_, token) = await fx.Given.CustomMemberAsync(p.Id,
            """[["describeSecret,readValue,edit","secrets",{"secretTags":{"$in":["team-a"]}}]]""");
        Assert.Equal(["MINE"], SecretKeys.Values(await SecretKeys.ListAsync(Api, token, p.Id)).Keys);
        var edit = await Api.PatchAsync("/api/v3/secrets/raw/THEIRS", new { workspaceId = p.Id, environment = "dev", secretValue = "x" }, token);
        Expect.Error(edit, 403, "PermissionDenied", "You are not allowed to edit on secrets", allowDetails: true);
        // Removing its own tag would take the secret out of reach: Infisical checks the new tags too.
        var untag = await Api.PatchAsync("/api/v3/secrets/raw/MINE", new { workspaceId = p.Id, environment = "dev", tagIds = Array.Empty<string>() }, token);
        Expect.Error(untag, 403, "PermissionDenied", "You are not allowed to edit on secrets", allowDetails: true);
    }
}
