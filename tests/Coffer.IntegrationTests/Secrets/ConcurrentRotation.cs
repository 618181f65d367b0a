using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Secrets;

/// <summary>
/// Writes that run while a data-key rotation does. How they interleave depends on the machine; what is asserted does
/// not: every write is answered 200 and survives, whatever batch of the rotation it met.
/// </summary>
public static class ConcurrentRotation
{
    /// <summary>Enough secrets for several of the rotation's batches (200 rows each, versions included).</summary>
    public const int Seeded = 450;

    public static async Task SeedAsync(Api api, string token, string projectId)
    {
        for (var start = 0; start < Seeded; start += 150)
            Expect.Ok(await api.PostAsync("/api/v4/secrets/batch", new
            {
                projectId,
                environment = "dev",
                secretPath = "/",
                secrets = Enumerable.Range(start, 150).Select(i => new { secretKey = Name(i), secretValue = $"seed-{i}" }).ToArray(),
            }, token));
    }

    /// <summary>Updates and creates secrets one after another until <paramref name="rotation"/> ends; returns every name's expected value.</summary>
    public static async Task<Dictionary<string, string>> WriteWhileAsync(Api api, string token, string projectId, Task rotation)
    {
        var expected = Enumerable.Range(0, Seeded).ToDictionary(Name, i => $"seed-{i}");
        // At least a few writes whatever the timing; beyond that, as many as fit while the rotation runs.
        for (var i = 0; i < 5 || (!rotation.IsCompleted && i < Seeded); i++)
        {
            var name = Name(i);
            Expect.Ok(await api.PatchAsync($"/api/v4/secrets/{name}", new { projectId, environment = "dev", secretValue = $"written-{i}" }, token));
            expected[name] = $"written-{i}";
            var created = $"NEW_{i:D4}";
            Expect.Ok(await api.PostAsync($"/api/v4/secrets/{created}", new { projectId, environment = "dev", secretValue = $"new-{i}" }, token));
            expected[created] = $"new-{i}";
        }
        return expected;
    }

    public static async Task ExpectValuesAsync(Api api, string token, string projectId, Dictionary<string, string> expected)
    {
        var list = await api.GetAsync($"/api/v3/secrets/raw?workspaceId={projectId}&environment=dev", token);
        Expect.Ok(list);
        var actual = list.Json["secrets"]!.AsArray().ToDictionary(s => s!["secretKey"]!.GetValue<string>(), s => s!["secretValue"]!.GetValue<string>());
        Assert.Equal(expected.OrderBy(e => e.Key, StringComparer.Ordinal), actual.OrderBy(e => e.Key, StringComparer.Ordinal));
    }

    private static string Name(int i) => $"S_{i:D4}";
}
