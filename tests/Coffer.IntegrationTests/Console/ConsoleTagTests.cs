using System.Net;
using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Console;

/// <summary>A project's tags in the console: added (the API's slug rule and words), listed, deleted off every secret.</summary>
public sealed class ConsoleTagTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Tags_are_added_and_deleted_and_a_deleted_tag_comes_off_its_secrets()
    {
        using var browser = new ConsoleClient(fx.Server.BaseAddress);
        await browser.SignInAsync();
        var created = await browser.SubmitAsync("/projects", "create-project", ("Input.Name", "Tagged"), ("Input.DefaultEnvironments", "True"));
        var projectId = created.Location!.Segments[^1];
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

        Expect.Ok(await fx.Api.PostAsync("/api/v3/secrets/raw/CARD_KEY",
            new { workspaceId = projectId, environment = "dev", secretValue = "v", tagIds = new[] { tagId } }, admin));
        var deleted = await browser.SubmitAsync(page, $"delete-{tagId}");
        Assert.Equal(HttpStatusCode.Found, deleted.Status);
        Assert.Empty((await fx.Api.GetAsync($"/api/v1/workspace/{projectId}/tags", admin)).Json["tags"]!.AsArray());
        var secret = await fx.Api.GetAsync($"/api/v3/secrets/raw/CARD_KEY?workspaceId={projectId}&environment=dev", admin);
        Expect.Ok(secret);
        Assert.Empty(secret.Json["secret"]!["tags"]!.AsArray());
    }
}
