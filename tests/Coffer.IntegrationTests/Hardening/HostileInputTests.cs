using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Coffer.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Routing;

namespace Coffer.IntegrationTests.Hardening;

/// <summary>
/// Issue 7.2: a seeded corpus of hostile requests against every route in the routing table. Zero 5xx, no stack traces
/// or internal names in any body, and no state change from any rejected request (whole-database comparison).
/// Replay a failure with COFFER_FUZZ_SEED=&lt;seed&gt; (and COFFER_FUZZ_COUNT to change the size).
/// </summary>
public sealed class HostileInputTests(ServerFixture fx, ITestOutputHelper output) : IClassFixture<ServerFixture>
{
    private static readonly string[] LeakMarkers =
        ["Exception", "   at ", ".cs:line", "Npgsql", "SqliteError", "SQLite Error", "Dapper", "System.", "Microsoft.", "/work/", "StackTrace", "syntax error"];

    // State a rejected request may change by design: failed-login counters, rate-limit windows.
    private static readonly string[] StatefulTables = ["auth_lockouts", "rate_limit_counters", "rate_limits"];

    [Fact]
    public async Task Ten_thousand_hostile_requests_cause_no_5xx_no_leak_and_no_state_change()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("COFFER_FUZZ_SEED"), out var s) ? s : Random.Shared.Next();
        var count = int.TryParse(Environment.GetEnvironmentVariable("COFFER_FUZZ_COUNT"), out var c) ? c : 10_000;
        output.WriteLine($"hostile input seed={seed} count={count}");

        var ids = await SeedResourcesAsync();
        var routes = fx.Server.Endpoints
            .Where(e => e.RoutePattern.RawText!.StartsWith("api/", StringComparison.Ordinal) || e.RoutePattern.RawText!.StartsWith("/api/", StringComparison.Ordinal))
            .Where(e => !e.RoutePattern.RawText!.Contains("{**", StringComparison.Ordinal) && !e.RoutePattern.RawText!.Contains("api/docs", StringComparison.Ordinal))
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => (m, "/" + e.RoutePattern.RawText!.TrimStart('/'))))
            .ToList();
        var corpus = new HostileCorpus(seed, routes, ids).Generate(count).ToList();

        var statuses = new Dictionary<int, int>();
        var surrogateStatuses = new Dictionary<int, int>();
        var verifiedRejected = 0;
        var acceptedWrites = 0;
        foreach (var batch in corpus.Chunk(20))
        {
            var before = await DbSnapshot.TakeAsync(fx.Server, StatefulTables);
            var rejected = new List<HostileRequest>();
            var dirty = false;
            foreach (var request in batch)
            {
                var (status, body) = await SendAsync(request);
                statuses[status] = statuses.GetValueOrDefault(status) + 1;
                if (request.Kind == "lone surrogate") surrogateStatuses[status] = surrogateStatuses.GetValueOrDefault(status) + 1;
                Check(seed, request, status, body);
                if (status >= 300) rejected.Add(request);
                else if (request.Method != "GET")
                {
                    dirty = true;
                    acceptedWrites++;
                }
            }
            if (!dirty)
            {
                AssertUnchanged(seed, before, await DbSnapshot.TakeAsync(fx.Server, StatefulTables), rejected);
                verifiedRejected += rejected.Count;
                continue;
            }
            // An accepted write changed state legitimately. Replay the rejected requests one by one, checking each write.
            foreach (var request in rejected)
            {
                var baseline = request.Method == "GET" ? null : await DbSnapshot.TakeAsync(fx.Server, StatefulTables);
                var (status, body) = await SendAsync(request);
                Check(seed, request, status, body);
                if (status >= 300 && baseline is not null)
                    AssertUnchanged(seed, baseline, await DbSnapshot.TakeAsync(fx.Server, StatefulTables), [request]);
                if (status >= 300) verifiedRejected++;
            }
        }

        var summary = $"seed {seed}; requests tried: {corpus.Count}; 5xx seen: {statuses.Where(kv => kv.Key >= 500).Sum(kv => kv.Value)}; " +
            $"accepted writes: {acceptedWrites}; rejected and verified unchanged: {verifiedRejected}; statuses: {string.Join(", ", statuses.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}×{kv.Value}"))}; " +
            $"lone surrogates: {surrogateStatuses.Values.Sum()} ({string.Join(", ", surrogateStatuses.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}×{kv.Value}"))})";
        output.WriteLine(summary);
        TestReport.Write("hostile input", summary);
        Assert.True(corpus.Count >= count);
        Assert.Contains(statuses.Keys, k => k == 413);
        Assert.Contains(statuses.Keys, k => k == 422);
        Assert.Contains(statuses.Keys, k => k == 400);
        // Half a surrogate pair is never accepted, and (past authentication) it is the validation envelope that refuses it.
        Assert.True(surrogateStatuses.Count > 0 && surrogateStatuses.Keys.All(k => k is >= 400 and < 500), "lone surrogates: " + string.Join(",", surrogateStatuses));
        Assert.Contains(surrogateStatuses.Keys, k => k == 422);
    }

    private static void AssertUnchanged(int seed, string before, string after, IEnumerable<HostileRequest> suspects) =>
        Assert.True(before == after,
            $"seed={seed}: a rejected request changed the database:\n{DbSnapshot.Diff(before, after)}\n" +
            string.Join(" | ", suspects.Select(r => $"{r.Method} {Short(r.Path)} [{r.Kind}]")));

    private static void Check(int seed, HostileRequest request, int status, string body)
    {
        var where = $"seed={seed} {request.Method} {Short(request.Path)} [{request.Kind}] -> {status} {Short(body)}";
        Assert.True(status < 500, where);
        foreach (var marker in LeakMarkers)
            Assert.False(body.Contains(marker, StringComparison.Ordinal), $"leak '{marker}': {where}");
        // Kestrel refuses an over-long request line or header block, or a NUL in the path, before any application code
        // runs: a bare status with no body. Coffer's own errors always carry the envelope.
        if (status is 400 or 414 or 431 && body.Length == 0) return;
        if (status >= 400)
        {
            JsonObject? node = null;
            try
            {
                node = JsonNode.Parse(body) as JsonObject;
            }
            catch (System.Text.Json.JsonException)
            {
            }
            Assert.True(node is not null, $"not an error envelope: {where}");
            Assert.Equal(status, node!["statusCode"]!.GetValue<int>());
            Assert.NotNull(node["error"]);
            Assert.NotNull(node["reqId"]);
        }
    }

    private async Task<(int Status, string Body)> SendAsync(HostileRequest request)
    {
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), request.Path);
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fx.AdminToken);
        // A body over the limit is refused before it is read; asking first lets the client see the 413 instead of a broken pipe.
        if (request.Body is { Length: > 1024 * 1024 }) message.Headers.ExpectContinue = true;
        if (request.Body is not null)
        {
            message.Content = new ByteArrayContent(request.Body);
            if (request.ContentType is not null) message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(request.ContentType);
        }
        try
        {
            using var response = await fx.Server.Http.SendAsync(message);
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
        }
        catch (HttpRequestException) when (request.Path.Length > 8 * 1024)
        {
            // Kestrel answers an over-long request line with 414 and closes at once, while the client is still sending the body.
            return (414, "");
        }
        catch (HttpRequestException ex)
        {
            throw new InvalidOperationException($"{request.Method} {Short(request.Path)} [{request.Kind}] failed: {ex.Message}", ex);
        }
    }

    /// <summary>Real ids for path parameters, so many requests get past the lookups into validation and the services.</summary>
    private async Task<Dictionary<string, string>> SeedResourcesAsync()
    {
        var projectId = await fx.Given.ProjectAsync("fuzz-target");
        var identityId = await fx.Given.IdentityAsync();
        await fx.Given.UniversalAuthAsync(identityId);
        await fx.Given.MemberAsync(projectId, identityId);
        var roleId = await fx.Given.RoleAsync(projectId, "fuzz-role", [new { subject = "secrets", action = new[] { "describeSecret" } }]);
        var privilegeId = await fx.Given.PrivilegeAsync(projectId, identityId);
        var project = await fx.Api.GetAsync($"/api/v1/projects/{projectId}", fx.AdminToken);
        var membership = await fx.Api.GetAsync($"/api/v1/projects/{projectId}/identity-memberships/{identityId}", fx.AdminToken);
        var secrets = await fx.Api.GetAsync($"/api/v1/auth/universal-auth/identities/{identityId}/client-secrets", fx.AdminToken);
        var folder = await fx.Api.PostAsync("/api/v2/folders", new { projectId, environment = "dev", name = "fuzz", path = "/" }, fx.AdminToken);
        Expect.Ok(folder);
        var secret = await fx.Api.PostAsync("/api/v3/secrets/raw/FUZZ_SECRET", new { workspaceId = projectId, environment = "dev", secretPath = "/", secretValue = "v" }, fx.AdminToken);
        Expect.Ok(secret);
        var tag = await fx.Api.PostAsync($"/api/v1/projects/{projectId}/tags", new { slug = "fuzz-tag", color = "#ffffff" }, fx.AdminToken);
        var import = await fx.Api.PostAsync("/api/v1/secret-imports", new { workspaceId = projectId, environment = "staging", path = "/", import = new { environment = "dev", path = "/" } }, fx.AdminToken);
        return new Dictionary<string, string>
        {
            ["projectId"] = projectId,
            ["workspaceId"] = projectId,
            ["identityId"] = identityId,
            ["slug"] = project.Json["project"]!["slug"]!.GetValue<string>(),
            ["envId"] = project.Json["project"]!["environments"]![0]!["id"]!.GetValue<string>(),
            ["roleId"] = roleId,
            ["roleSlug"] = "fuzz-role",
            ["id"] = privilegeId,
            ["identityMembershipId"] = membership.Json["identityMembership"]!["id"]!.GetValue<string>(),
            ["clientSecretId"] = secrets.Json["clientSecretData"]![0]!["id"]!.GetValue<string>(),
            ["folderId"] = folder.Json["folder"]!["id"]!.GetValue<string>(),
            ["folderIdOrName"] = "fuzz",
            ["secretName"] = "FUZZ_SECRET",
            ["secretId"] = secret.Json["secret"]!["id"]!.GetValue<string>(),
            ["tagId"] = tag.Json["tag"]?["id"]?.GetValue<string>() ?? Guid.NewGuid().ToString(),
            ["tagSlug"] = "fuzz-tag",
            ["secretImportId"] = import.Json["secretImport"]?["id"]?.GetValue<string>() ?? Guid.NewGuid().ToString(),
        };
    }

    private static string Short(string s) => s.Length > 300 ? s[..300] + "…" : s;
}
