using System.Text.Json.Nodes;
using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Authorization.FineGrained;

/// <summary>
/// Issue 27's suite: six callers with custom roles scoped by environment, path glob, name glob, tag (allowed and
/// inverted) and an identity template try every read and write of secrets, folders, imports, tags and environments,
/// in each path form (v3, v4, batch, by id, v1/v2, both route prefixes). Each is allowed exactly when every secret the
/// request touches — directly, or through a rename, a rewritten reference, an overwrite, a cascade or an import — is in
/// its scope. A refusal answers a 403 envelope and leaves the project's rows unchanged; an allowed call is checked for
/// what it did. Runs on SQLite and PostgreSQL.
/// </summary>
public sealed class FineGrainedAuthorizationTests(ServerFixture fx, ITestOutputHelper output) : IClassFixture<ServerFixture>
{
    private static readonly string[] DenialErrors = ["PermissionDenied", "ForbiddenReadSecretError", "ForbiddenError"];

    [Fact]
    public async Task Every_scoped_actor_gets_exactly_its_scope_on_every_secrets_route_and_form()
    {
        var actors = ScopedActor.Create();
        foreach (var actor in actors) (actor.IdentityId, actor.Token) = await fx.Given.IdentityWithTokenAsync();
        var writes = new ScopedWrites(fx.Api, fx.AdminToken);
        var operations = ScopedReads.All().Concat(writes.All()).Concat(new ScopedStructure(fx.Api, fx.AdminToken, writes).All()).ToList();

        var failures = new List<string>();
        var (denied, allowed, worlds, requests) = (0, 0, 0, 0);
        ScopedWorld? world = null;
        async Task<ScopedWorld> WorldAsync()
        {
            if (world is not null) return world;
            worlds++;
            return world = await ScopedWorld.SeedAsync(fx, actors);
        }

        foreach (var operation in operations)
        {
            var forms = operation.Requests(await WorldAsync()).Count;
            for (var form = 0; form < forms; form++)
            {
                requests++;
                // Refusals first: they leave the project as it was and share it; each allowed write then gets a fresh one.
                var current = await WorldAsync();
                foreach (var actor in actors.OrderBy(a => operation.Allowed(a, current)))
                {
                    var w = await WorldAsync();
                    var request = operation.Requests(w)[form];
                    var expected = operation.Allowed(actor, w);
                    var where = $"{actor.Name} × {operation.Name} ({request.Form}: {request.Method} {request.Path})";
                    var before = expected ? "" : await DbSnapshot.TakeProjectAsync(fx.Server, w.ProjectId);
                    var r = await fx.Api.SendAsync(new HttpMethod(request.Method), request.Path, request.Body, actor.Token);
                    try
                    {
                        if (expected)
                        {
                            Assert.True(r.Code == 200, $"expected 200 (in scope: {actor.Description}) but got {r}");
                            if (operation.ExpectedList is { } list) Same(list(actor, w), Listed(r.Json["secrets"]!.AsArray(), null, null), "secrets");
                            if (operation.ExpectedImports is { } imports) Same(imports(actor, w), Imported(r.Json, operation.ImportGroupsKey), "imported secrets");
                            await operation.Verify(w, r);
                            allowed++;
                        }
                        else
                        {
                            ExpectDenied(r, actor);
                            var after = await DbSnapshot.TakeProjectAsync(fx.Server, w.ProjectId);
                            Assert.True(before == after, "refused, but the project changed:\n" + DbSnapshot.Diff(before, after));
                            denied++;
                        }
                    }
                    catch (Exception ex) when (ex is Xunit.Sdk.XunitException or InvalidOperationException or NullReferenceException)
                    {
                        failures.Add($"{where}: {ex.Message}");
                    }
                    if (operation.Mutates && r.Code != 403) world = null;
                }
            }
        }

        var summary = $"{actors.Count} scoped actors ({string.Join("; ", actors.Select(a => a.Description))}) × {requests} requests " +
            $"({operations.Count} operations in their v3/v4/batch/by-id/v1/v2 forms) = {denied + allowed} cells: {denied} refused with " +
            $"the project's rows unchanged, {allowed} allowed and checked for what they did; {worlds} projects seeded";
        output.WriteLine(summary);
        Assert.True(failures.Count == 0, $"{failures.Count} cell(s) differ:\n{string.Join("\n", failures.Take(60))}");
        TestReport.Write("authorization (fine-grained, scoped roles)", summary);
    }

    private static void ExpectDenied(ApiResponse r, ScopedActor actor)
    {
        Assert.True(r.Code == 403, $"expected 403 (out of scope: {actor.Description}) but got {r}");
        var body = r.Json;
        Assert.Empty(body.Select(kv => kv.Key).Except(["reqId", "statusCode", "message", "error", "details"]));
        Assert.Equal(403, body["statusCode"]!.GetValue<int>());
        Assert.Contains(body["error"]!.GetValue<string>(), DenialErrors);
        Assert.False(string.IsNullOrEmpty(body["message"]!.GetValue<string>()));
        Assert.Equal(body["reqId"]!.GetValue<string>(), r.Header("X-Request-Id"));
    }

    private static Dictionary<string, string> Listed(JsonArray secrets, string? environment, string? path) =>
        secrets.ToDictionary(
            s => SeedSecret.Address(environment ?? s!["environment"]!.GetValue<string>(), path ?? s!["secretPath"]!.GetValue<string>(),
                s!["secretKey"]!.GetValue<string>()),
            s => s!["secretValue"]!.GetValue<string>());

    private static Dictionary<string, string> Imported(JsonObject list, string key) =>
        list[key]!.AsArray()
            .SelectMany(g => Listed(g!["secrets"]!.AsArray(), g["environment"]!.GetValue<string>(), g["secretPath"]!.GetValue<string>()))
            .ToDictionary(kv => kv.Key, kv => kv.Value);

    private static void Same(Dictionary<string, string> expected, Dictionary<string, string> actual, string what)
    {
        var lines = expected.Select(kv => $"{kv.Key}={kv.Value}").Order(StringComparer.Ordinal);
        var got = actual.Select(kv => $"{kv.Key}={kv.Value}").Order(StringComparer.Ordinal);
        Assert.True(lines.SequenceEqual(got), $"{what} differ: expected [{string.Join(", ", lines)}] got [{string.Join(", ", got)}]");
    }
}
