using Coffer.IntegrationTests.Infrastructure;
using Coffer.IntegrationTests.Secrets;

namespace Coffer.IntegrationTests.Authorization;

/// <summary>
/// Issue 27's findings, one test each: a request is checked against every secret row it changes or reveals, including
/// the rows it reaches indirectly, and a refusal leaves the database exactly as it was.
/// </summary>
public sealed class IndirectSecretAccessTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    /// <summary>Everything on secrets, but only in dev under /app.</summary>
    private const string DevApp =
        """[["describeSecret,readValue,create,edit,delete","secrets",{"environment":"dev","secretPath":{"$glob":"/app/**"}}],["read","secret-folders"]]""";

    private Api Api => fx.Api;

    [Fact]
    public async Task Move_with_overwrite_is_checked_at_the_destination()
    {
        var p = await fx.Given.TestProjectAsync();
        await SecretKeys.FolderAsync(Api, fx.AdminToken, p.Id, "/app");
        await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "PROD_PASS", "real", environment: "prod");
        var moving = await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "PROD_PASS", "evil", path: "/app");
        var (_, token) = await fx.Given.CustomMemberAsync(p.Id, DevApp);

        var before = await DbSnapshot.TakeAsync(fx.Server);
        var r = await Api.PostAsync("/api/v4/secrets/move", new
        {
            projectId = p.Id,
            sourceEnvironment = "dev",
            sourceSecretPath = "/app",
            destinationEnvironment = "prod",
            destinationSecretPath = "/",
            secretIds = new[] { moving["id"]!.GetValue<string>() },
            shouldOverwrite = true,
        }, token);
        Expect.Error(r, 403, "PermissionDenied", "You are not allowed to create on secrets", allowDetails: true);
        Assert.Equal(before, await DbSnapshot.TakeAsync(fx.Server));
        Assert.Equal("real", SecretKeys.Values(await SecretKeys.ListAsync(Api, fx.AdminToken, p.Id, environment: "prod"))["PROD_PASS"]);

        // Within its own scope the same identity may move and overwrite.
        await SecretKeys.FolderAsync(Api, fx.AdminToken, p.Id, "/app/next");
        await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "PROD_PASS", "old", path: "/app/next");
        Expect.Ok(await Api.PostAsync("/api/v4/secrets/move", new
        {
            projectId = p.Id,
            sourceEnvironment = "dev",
            sourceSecretPath = "/app",
            destinationEnvironment = "dev",
            destinationSecretPath = "/app/next",
            secretIds = new[] { moving["id"]!.GetValue<string>() },
            shouldOverwrite = true,
        }, token));
        Assert.Equal("evil", SecretKeys.Values(await SecretKeys.ListAsync(Api, fx.AdminToken, p.Id, "&secretPath=/app/next"))["PROD_PASS"]);
    }

    [Fact]
    public async Task Move_with_overwrite_is_checked_against_the_overwritten_rows_tags()
    {
        var p = await fx.Given.TestProjectAsync();
        await SecretKeys.FolderAsync(Api, fx.AdminToken, p.Id, "/app");
        await SecretKeys.FolderAsync(Api, fx.AdminToken, p.Id, "/app/next");
        var tag = await Api.PostAsync($"/api/v1/projects/{p.Id}/tags", new { slug = "locked", color = "#ff0000" }, fx.AdminToken);
        Expect.Ok(tag);
        var locked = await Api.PostAsync("/api/v4/secrets/TARGET", new
        {
            projectId = p.Id,
            environment = "dev",
            secretPath = "/app/next",
            secretValue = "keep",
            tagIds = new[] { tag.Json["tag"]!["id"]!.GetValue<string>() },
        }, fx.AdminToken);
        Expect.Ok(locked);
        var moving = await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "TARGET", "evil", path: "/app");
        var (_, token) = await fx.Given.CustomMemberAsync(p.Id,
            """[["describeSecret,readValue,create,edit,delete","secrets",{"environment":"dev"}],["edit","secrets",{"secretTags":{"$in":["locked"]}},1]]""");

        var before = await DbSnapshot.TakeAsync(fx.Server);
        var r = await Api.PostAsync("/api/v4/secrets/move", new
        {
            projectId = p.Id,
            sourceEnvironment = "dev",
            sourceSecretPath = "/app",
            destinationEnvironment = "dev",
            destinationSecretPath = "/app/next",
            secretIds = new[] { moving["id"]!.GetValue<string>() },
            shouldOverwrite = true,
        }, token);
        Expect.Error(r, 403, "PermissionDenied", "You are not allowed to edit on secrets", allowDetails: true);
        Assert.Equal(before, await DbSnapshot.TakeAsync(fx.Server));
    }
}
