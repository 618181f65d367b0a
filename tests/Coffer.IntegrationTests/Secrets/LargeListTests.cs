using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Secrets;

/// <summary>
/// A list of several MB (one pooled array grown to fit, see <see cref="Coffer.Server.Http.PooledJsonBody"/>) arrives
/// whole, in order, with every secret's own value, the same twice and under the same ETag, also when many are asked for
/// at once.
/// </summary>
public sealed class LargeListTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private static readonly string Value = new('v', 1000);

    [Fact]
    public async Task A_list_of_several_megabytes_arrives_whole_and_the_same_twice()
    {
        var url = await LargeFolderAsync();

        var first = await fx.Api.GetAsync(url, fx.AdminToken);
        Expect.Ok(first);
        Assert.True(first.RawBody.Length > 3_000_000, $"expected a body above 3 MB, got {first.RawBody.Length} characters");
        var listed = first.Json["secrets"]!.AsArray();
        Assert.Equal(3000, listed.Count);
        var byKey = listed.ToDictionary(s => (string)s!["secretKey"]!, s => (string)s!["secretValue"]!);
        for (var i = 0; i < 3000; i++) Assert.Equal($"{i:D4}{Value}", byKey[$"LARGE_{i:D4}"]);

        var second = await fx.Api.GetAsync(url, fx.AdminToken);
        Expect.Ok(second);
        Assert.Equal(first.RawBody, second.RawBody);
        Assert.Equal(first.Header("ETag"), second.Header("ETag"));
        var unchanged = await fx.Api.SendAsync(HttpMethod.Get, url, null, fx.AdminToken,
            m => m.Headers.TryAddWithoutValidation("If-None-Match", first.Header("ETag")));
        Assert.Equal(System.Net.HttpStatusCode.NotModified, unchanged.Status);
        Assert.Equal("", unchanged.RawBody);
    }

    [Fact]
    public async Task Many_large_lists_at_once_all_arrive_whole_beside_small_ones()
    {
        var url = await LargeFolderAsync();
        var small = await fx.Given.TestProjectAsync();
        var expected = await fx.Api.GetAsync(url, fx.AdminToken);
        Expect.Ok(expected);

        var large = Enumerable.Range(0, 4 * Environment.ProcessorCount + 2).Select(_ => fx.Api.GetAsync(url, fx.AdminToken)).ToList();
        var smallOnes = Enumerable.Range(0, 8)
            .Select(_ => fx.Api.GetAsync($"/api/v3/secrets/raw?workspaceId={small.Id}&environment=dev", fx.AdminToken)).ToList();
        foreach (var answer in await Task.WhenAll(large))
        {
            Expect.Ok(answer);
            Assert.Equal(expected.RawBody, answer.RawBody);
        }
        foreach (var answer in await Task.WhenAll(smallOnes)) Expect.Ok(answer);
    }

    private async Task<string> LargeFolderAsync()
    {
        var p = await fx.Given.TestProjectAsync();
        for (var batch = 0; batch < 3; batch++)
        {
            var secrets = Enumerable.Range(batch * 1000, 1000)
                .Select(i => new { secretKey = $"LARGE_{i:D4}", secretValue = $"{i:D4}{Value}" }).ToArray();
            Expect.Ok(await fx.Api.PostAsync("/api/v3/secrets/batch/raw",
                new { workspaceId = p.Id, environment = "dev", secretPath = "/", secrets }, fx.AdminToken));
        }
        return $"/api/v3/secrets/raw?workspaceId={p.Id}&environment=dev";
    }
}
