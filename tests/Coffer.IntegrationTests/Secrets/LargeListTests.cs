using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Secrets;

/// <summary>
/// A list of several MB (bodies above 1 MB take arrays from their own pool and go to the socket in flushed blocks): every
/// secret arrives whole, in order, with its own value, and its ETag still matches the bytes.
/// </summary>
public sealed class LargeListTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task A_list_of_several_megabytes_arrives_whole_and_the_same_twice()
    {
        var p = await fx.Given.TestProjectAsync();
        var value = new string('v', 1000);
        for (var batch = 0; batch < 3; batch++)
        {
            var secrets = Enumerable.Range(batch * 1000, 1000)
                .Select(i => new { secretKey = $"LARGE_{i:D4}", secretValue = $"{i:D4}{value}" }).ToArray();
            Expect.Ok(await fx.Api.PostAsync("/api/v3/secrets/batch/raw",
                new { workspaceId = p.Id, environment = "dev", secretPath = "/", secrets }, fx.AdminToken));
        }
        var url = $"/api/v3/secrets/raw?workspaceId={p.Id}&environment=dev";

        var first = await fx.Api.GetAsync(url, fx.AdminToken);
        Expect.Ok(first);
        Assert.True(first.RawBody.Length > 3_000_000, $"expected a body above 3 MB, got {first.RawBody.Length} characters");
        var listed = first.Json["secrets"]!.AsArray();
        Assert.Equal(3000, listed.Count);
        var byKey = listed.ToDictionary(s => (string)s!["secretKey"]!, s => (string)s!["secretValue"]!);
        for (var i = 0; i < 3000; i++) Assert.Equal($"{i:D4}{value}", byKey[$"LARGE_{i:D4}"]);

        var second = await fx.Api.GetAsync(url, fx.AdminToken);
        Expect.Ok(second);
        Assert.Equal(first.RawBody, second.RawBody);
        Assert.Equal(first.Header("ETag"), second.Header("ETag"));
    }
}
