using System.Net;
using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Secrets;

/// <summary>List responses carry an ETag; <c>If-None-Match</c> with it answers 304 without a body (the Go CLI's watch loop).</summary>
public sealed class ETagTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private Api Api => fx.Api;

    private Task<ApiResponse> ListAsync(string url, string? ifNoneMatch) =>
        Api.SendAsync(HttpMethod.Get, url, null, fx.AdminToken, m =>
        {
            if (ifNoneMatch is not null) m.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        });

    [Fact]
    public async Task A_matching_ETag_gets_304_with_no_body_until_something_changes()
    {
        var p = await fx.Given.TestProjectAsync();
        await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "WATCHED", "1");
        var url = $"/api/v3/secrets/raw?workspaceId={p.Id}&environment=dev&include_imports=true&expandSecretReferences=true";

        var first = await ListAsync(url, null);
        Expect.Ok(first);
        var etag = first.Header("ETag");
        Assert.Matches("^\"[0-9a-f]{32}\"$", etag);

        var same = await ListAsync(url, etag);
        Assert.Equal(HttpStatusCode.NotModified, same.Status);
        Assert.Equal("", same.RawBody);
        Assert.Equal(etag, same.Header("ETag"));
        Assert.Equal(HttpStatusCode.NotModified, (await ListAsync(url, $"W/{etag}")).Status);
        Assert.Equal(HttpStatusCode.NotModified, (await ListAsync(url, $"\"other\", {etag}")).Status);
        Assert.Equal(HttpStatusCode.OK, (await ListAsync(url, "\"stale\"")).Status);

        Expect.Ok(await Api.PatchAsync("/api/v3/secrets/raw/WATCHED", new { workspaceId = p.Id, environment = "dev", secretValue = "2" }, fx.AdminToken));
        var changed = await ListAsync(url, etag);
        Expect.Ok(changed);
        Assert.NotEqual(etag, changed.Header("ETag"));
        Assert.Equal("2", SecretKeys.Values(changed.Json)["WATCHED"]);
    }

    [Fact]
    public async Task V4_lists_carry_an_ETag_too()
    {
        var p = await fx.Given.TestProjectAsync();
        var url = $"/api/v4/secrets?projectId={p.Id}&environment=dev";
        var first = await ListAsync(url, null);
        Expect.Ok(first);
        Assert.Equal(HttpStatusCode.NotModified, (await ListAsync(url, first.Header("ETag"))).Status);
    }
}
