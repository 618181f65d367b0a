using System.Net;
using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Console;

/// <summary>A project's tags in the console: added and changed (the API's slug rule and words), listed, deleted off every secret.</summary>
public sealed class ConsoleTagTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Tags_are_added_and_deleted_and_a_deleted_tag_comes_off_its_secrets()
    {
        using var browser = new ConsoleClient(fx.Server.BaseAddress);
        await browser.SignInAsync();
        var projectId = await browser.CreateProjectAsync("Tagged");
        var admin = await OrgUsers.AdminUserTokenAsync(fx);
        var page = $"/projects/{projectId}/tags";

        var added = await browser.SubmitAsync(page, "add-tag", ("NewTag.Slug", "pci"), ("NewTag.Color", "#ff0000"));
        Assert.Equal(HttpStatusCode.Found, added.Status);
        Assert.Equal(page, added.Location!.PathAndQuery);
        var badSlug = await browser.SubmitAsync(page, "add-tag", ("NewTag.Slug", "p c i"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badSlug.Status);
        Assert.Equal("slug: Slug field can only contain letters, numbers, and hyphens", badSlug.ErrorText);
        var duplicate = await browser.SubmitAsync(page, "add-tag", ("NewTag.Slug", "pci"));
        Assert.Equal(HttpStatusCode.BadRequest, duplicate.Status);
        Assert.Equal("Tag already exists", duplicate.ErrorText);

        var tags = await fx.Api.GetAsync($"/api/v1/workspace/{projectId}/tags", admin);
        Expect.Ok(tags);
        var tag = Assert.Single(tags.Json["tags"]!.AsArray())!;
        Assert.Equal("pci", tag["slug"]!.GetValue<string>());
        Assert.Equal("#ff0000", tag["color"]!.GetValue<string>());
        var tagId = tag["id"]!.GetValue<string>();
        var listed = await browser.GetAsync(page);
        Assert.Contains("<th scope=\"row\" class=\"mono\">pci</th>", listed.Html);
        Assert.Contains("Tags</a>", (await browser.GetAsync($"/projects/{projectId}")).Html);

        // Changed: a new slug and color; a clash and a bad slug refused in the API's words.
        Assert.Equal(HttpStatusCode.Found, (await browser.SubmitAsync(page, "add-tag", ("NewTag.Slug", "other"), ("NewTag.Color", "#000000"))).Status);
        var clash = await browser.SubmitAsync(page, "edit-tag", ("Edit.Id", tagId), ("Edit.Slug", "other"));
        Assert.Equal(HttpStatusCode.BadRequest, clash.Status);
        Assert.Equal("Tag already exists", clash.ErrorText);
        var badEdit = await browser.SubmitAsync(page, "edit-tag", ("Edit.Id", tagId), ("Edit.Slug", "p c i"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badEdit.Status);
        Assert.Equal("slug: Slug field can only contain letters, numbers, and hyphens", badEdit.ErrorText);
        Assert.Equal(HttpStatusCode.Found, (await browser.SubmitAsync(page, "edit-tag", ("Edit.Id", tagId), ("Edit.Slug", "pci-dss"), ("Edit.Color", "#00ff00"))).Status);
        var changed = await fx.Api.GetAsync($"/api/v1/workspace/{projectId}/tags/{tagId}", admin);
        Assert.Equal("pci-dss", changed.Json["tag"]!["slug"]!.GetValue<string>());
        Assert.Equal("#00ff00", changed.Json["tag"]!["color"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Found, (await browser.SubmitAsync(page, "edit-tag", ("Edit.Id", tagId), ("Edit.Color", "#0000ff"))).Status);
        Assert.Equal("pci-dss", (await fx.Api.GetAsync($"/api/v1/workspace/{projectId}/tags/{tagId}", admin)).Json["tag"]!["slug"]!.GetValue<string>());

        Expect.Ok(await fx.Api.PostAsync("/api/v3/secrets/raw/CARD_KEY",
            new { workspaceId = projectId, environment = "dev", secretValue = "v", tagIds = new[] { tagId } }, admin));
        var deleted = await browser.SubmitAsync(page, $"delete-{tagId}");
        Assert.Equal(HttpStatusCode.Found, deleted.Status);
        Assert.Equal(["other"], (await fx.Api.GetAsync($"/api/v1/workspace/{projectId}/tags", admin)).Json["tags"]!.AsArray().Select(t => t!["slug"]!.GetValue<string>()));
        var secret = await fx.Api.GetAsync($"/api/v3/secrets/raw/CARD_KEY?workspaceId={projectId}&environment=dev", admin);
        Expect.Ok(secret);
        Assert.Empty(secret.Json["secret"]!["tags"]!.AsArray());
    }
}
