using System.Text.Json.Nodes;
using Coffer.IntegrationTests.Infrastructure;
using Coffer.Server.Configuration;
using Coffer.Server.Data;
using Coffer.Server.Features.Secrets;
using Coffer.Server.Hosting;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.IntegrationTests.Secrets;

/// <summary>
/// <c>POST /api/v1/admin/projects/{projectId}/rotate-data-key</c>: every secret and every stored version of the project
/// re-sealed under a new data key, the old key gone, reads unchanged; online, and finished after an interruption by a
/// second call or by a restarted server.
/// </summary>
public sealed class DataKeyRotationTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private Api Api => fx.Api;

    [Fact]
    public async Task Rotation_reseals_every_secret_and_version_under_a_new_key_and_forgets_the_old_one()
    {
        var p = await fx.Given.TestProjectAsync();
        var bystander = await fx.Given.TestProjectAsync();
        await WriteHistoryAsync(p.Id);
        await SecretKeys.CreateAsync(Api, fx.AdminToken, bystander.Id, "UNTOUCHED", "same");
        var before = await SealedAsync(p.Id);
        var bystanderBefore = await SealedAsync(bystander.Id);
        var oldKey = Assert.Single(await KeysAsync(p.Id));

        var r = await RotateAsync(p.Id);

        Expect.Ok(r);
        Assert.Equal(Rotation(p.Id, 2, 4, 2), r.RawBody);
        var after = await SealedAsync(p.Id);
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        foreach (var (row, sealedBefore) in before)
        {
            Assert.Equal(2, after[row].KeyVersion);
            Assert.NotEqual(sealedBefore.Blobs, after[row].Blobs);
        }
        var newKey = Assert.Single(await KeysAsync(p.Id));
        Assert.Equal(2, newKey.KeyVersion);
        Assert.NotEqual(Convert.ToHexString(oldKey.WrappedKey), Convert.ToHexString(newKey.WrappedKey));
        Assert.Equal(bystanderBefore, await SealedAsync(bystander.Id));
        await ExpectHistoryReadableAsync(Api, p.Id);

        var events = await Rows.QueryAsync<string>(fx.Server,
            "SELECT event_metadata FROM audit_logs WHERE event_type = 'rotate-data-key' AND project_id = @projectId", new { projectId = p.Id });
        Assert.Equal("""{"keyVersion":2,"keysRetired":1,"secretsResealed":2,"versionsResealed":4,"kmsKeyVersionsResealed":0,"dynamicSecretsResealed":0}""", Assert.Single(events));

        var again = await RotateAsync(p.Id);
        Assert.Equal(Rotation(p.Id, 2, 4, 3), again.RawBody);
        await ExpectHistoryReadableAsync(Api, p.Id);
    }

    [Fact]
    public async Task Only_an_instance_admin_may_rotate_and_an_unknown_project_is_404()
    {
        var p = await fx.Given.TestProjectAsync();
        await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "KEPT", "v");
        // An organization admin who is also the project's admin is still not an instance admin.
        var (orgAdmin, orgAdminToken) = await fx.Given.IdentityWithTokenAsync("admin");
        await fx.Given.MemberAsync(p.Id, orgAdmin, "admin");
        var before = await DbSnapshot.TakeAsync(fx.Server);

        Expect.Error(await Api.PostAsync($"/api/v1/admin/projects/{p.Id}/rotate-data-key", null, orgAdminToken), 403, "ForbiddenError",
            "Requires elevated super admin privileges");
        Assert.Equal(before, await DbSnapshot.TakeAsync(fx.Server));

        var missing = Guid.NewGuid().ToString();
        Expect.Error(await RotateAsync(missing), 404, "NotFound", $"Project with ID '{missing}' not found");
    }

    [Fact]
    public async Task An_interrupted_rotation_serves_reads_and_writes_and_a_second_call_finishes_it()
    {
        var p = await fx.Given.TestProjectAsync();
        await WriteHistoryAsync(p.Id);
        // The state a crash right after the start leaves: a new key is current, every row still under the old one.
        await AddKeyVersionAsync(fx.Server, p.Id);

        // This server's key ring still knows only key 1: its write finds the newer key in its transaction and redoes.
        await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "WRITTEN_MIDWAY", "midway");
        Expect.Ok(await Api.PatchAsync("/api/v4/secrets/HISTORY", new { projectId = p.Id, environment = "dev", secretValue = "v4" }, fx.AdminToken));
        var sealedMidway = await SealedAsync(p.Id);
        Assert.Equal(2, sealedMidway[("secrets", await SecretIdAsync(p.Id, "WRITTEN_MIDWAY"))].KeyVersion);
        Assert.Equal(2, sealedMidway[("secrets", await SecretIdAsync(p.Id, "HISTORY"))].KeyVersion);
        Assert.Contains(sealedMidway.Values, s => s.KeyVersion == 1);
        var read = await Api.GetAsync($"/api/v3/secrets/raw?workspaceId={p.Id}&environment=dev", fx.AdminToken);
        Expect.Ok(read);
        Assert.Equal(["HISTORY=v4", "PLAIN=plain", "WRITTEN_MIDWAY=midway"],
            read.Json["secrets"]!.AsArray().Select(s => $"{s!["secretKey"]}={s["secretValue"]}").Order(StringComparer.Ordinal));

        // The second call continues the rotation under way (key 2), re-sealing only what is still under key 1: PLAIN, and
        // the four versions written before the interruption (HISTORY's first three, PLAIN's one).
        var r = await RotateAsync(p.Id);
        Assert.Equal(Rotation(p.Id, 1, 4, 2), r.RawBody);
        Assert.All((await SealedAsync(p.Id)).Values, s => Assert.Equal(2, s.KeyVersion));
        Assert.Equal(2, Assert.Single(await KeysAsync(p.Id)).KeyVersion);
        var v1 = await Api.GetAsync($"/api/v3/secrets/raw/HISTORY?workspaceId={p.Id}&environment=dev&version=1", fx.AdminToken);
        Assert.Equal("v1", v1.Json["secret"]!["secretValue"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_restarted_server_finishes_an_interrupted_rotation_and_other_instances_read_rows_under_keys_they_never_loaded()
    {
        var p = await fx.Given.TestProjectAsync();
        await WriteHistoryAsync(p.Id);
        // fx's key ring loads key 1 now and is not told about what follows.
        await ExpectHistoryReadableAsync(Api, p.Id);
        await AddKeyVersionAsync(fx.Server, p.Id);

        await using var restarted = await TestServer.StartAsync(fx.Server.SameDatabase());
        await UntilOneKeyLeftAsync(p.Id);

        Assert.All((await SealedAsync(p.Id)).Values, s => Assert.Equal(2, s.KeyVersion));
        await ExpectHistoryReadableAsync(new Api(restarted.Http), p.Id);
        // fx never loaded key 2, and key 1 is gone from the database: it reloads on meeting a row under key 2.
        await ExpectHistoryReadableAsync(Api, p.Id);
        var events = await Rows.QueryAsync<(string ActorType, string Metadata)>(fx.Server,
            "SELECT actor_type, event_metadata FROM audit_logs WHERE event_type = 'rotate-data-key' AND project_id = @projectId", new { projectId = p.Id });
        Assert.Equal(("platform", """{"keyVersion":2,"keysRetired":1,"secretsResealed":2,"versionsResealed":4,"kmsKeyVersionsResealed":0,"dynamicSecretsResealed":0}"""), Assert.Single(events));
    }

    [Fact]
    public async Task Root_key_rotation_rewraps_every_data_key_version()
    {
        var p = await fx.Given.TestProjectAsync();
        await WriteHistoryAsync(p.Id);
        Expect.Ok(await RotateAsync(p.Id));
        await AddKeyVersionAsync(fx.Server, p.Id);
        Assert.Equal([2, 3], (await KeysAsync(p.Id)).Select(k => k.KeyVersion));

        var db = fx.Server.Services.GetRequiredService<Db>();
        var newKeyValue = Coffer.Server.Crypto.RootKey.NewRootEncryptionKeyValue();
        using var next = Coffer.Server.Crypto.RootKey.FromRootEncryptionKey(newKeyValue);
        var current = fx.Server.Services.GetRequiredService<CofferOptions>().RootKey;
        await RootKeyRotation.RunAsync(db, current, next, TimeProvider.System);

        try
        {
            await using var rotated = await TestServer.StartAsync(fx.Server.SameDatabase(newKeyValue));
            await UntilOneKeyLeftAsync(p.Id);
            await ExpectHistoryReadableAsync(new Api(rotated.Http), p.Id);
        }
        finally
        {
            // The fixture's server goes on under the original root key.
            await RootKeyRotation.RunAsync(db, next, current, TimeProvider.System);
        }
    }

    [Fact]
    public async Task Writes_while_a_rotation_runs_all_land_under_the_new_key()
    {
        var p = await fx.Given.TestProjectAsync();
        await ConcurrentRotation.SeedAsync(Api, fx.AdminToken, p.Id);

        var rotation = RotateAsync(p.Id);
        var expected = await ConcurrentRotation.WriteWhileAsync(Api, fx.AdminToken, p.Id, rotation);

        Expect.Ok(await rotation);
        await ConcurrentRotation.ExpectValuesAsync(Api, fx.AdminToken, p.Id, expected);
        Assert.All((await SealedAsync(p.Id)).Values, s => Assert.Equal(2, s.KeyVersion));
        Assert.Equal(2, Assert.Single(await KeysAsync(p.Id)).KeyVersion);
    }

    /// <summary>HISTORY at versions 1 to 3 with a comment and metadata, and PLAIN: two secrets, four versions.</summary>
    private async Task WriteHistoryAsync(string projectId)
    {
        Expect.Ok(await Api.PostAsync("/api/v4/secrets/HISTORY", new
        {
            projectId,
            environment = "dev",
            secretValue = "v1",
            secretComment = "the comment",
            secretMetadata = new[] { new { key = "owner", value = "platform-team" } },
        }, fx.AdminToken));
        Expect.Ok(await Api.PatchAsync("/api/v4/secrets/HISTORY", new { projectId, environment = "dev", secretValue = "v2" }, fx.AdminToken));
        Expect.Ok(await Api.PatchAsync("/api/v4/secrets/HISTORY", new { projectId, environment = "dev", secretValue = "v3" }, fx.AdminToken));
        await SecretKeys.CreateAsync(Api, fx.AdminToken, projectId, "PLAIN", "plain");
    }

    private async Task ExpectHistoryReadableAsync(Api api, string projectId)
    {
        var current = await api.GetAsync($"/api/v4/secrets/HISTORY?projectId={projectId}&environment=dev", fx.AdminToken);
        Expect.Ok(current);
        var secret = current.Json["secret"]!;
        Assert.Equal("v3", secret["secretValue"]!.GetValue<string>());
        Assert.Equal("the comment", secret["secretComment"]!.GetValue<string>());
        Assert.Equal("""[{"key":"owner","value":"platform-team"}]""", JsonSerializerCompact(secret["secretMetadata"]!));
        for (var version = 1; version <= 3; version++)
        {
            var old = await api.GetAsync($"/api/v3/secrets/raw/HISTORY?workspaceId={projectId}&environment=dev&version={version}", fx.AdminToken);
            Expect.Ok(old);
            Assert.Equal($"v{version}", old.Json["secret"]!["secretValue"]!.GetValue<string>());
            Assert.Equal("the comment", old.Json["secret"]!["secretComment"]!.GetValue<string>());
        }
        var plain = await api.GetAsync($"/api/v3/secrets/raw/PLAIN?workspaceId={projectId}&environment=dev", fx.AdminToken);
        Assert.Equal("plain", plain.Json["secret"]!["secretValue"]!.GetValue<string>());
    }

    private static string JsonSerializerCompact(JsonNode node) =>
        new JsonArray([.. node.AsArray().Select(m => (JsonNode)new JsonObject { ["key"] = m!["key"]!.GetValue<string>(), ["value"] = m["value"]!.GetValue<string>() })])
            .ToJsonString();

    private static string Rotation(string projectId, int secrets, int versions, int keyVersion) =>
        $$$"""{"rotation":{"projectId":"{{{projectId}}}","secretsResealed":{{{secrets}}},"versionsResealed":{{{versions}}},"kmsKeyVersionsResealed":0,"dynamicSecretsResealed":0,"keyVersion":{{{keyVersion}}}}}""";

    private Task<ApiResponse> RotateAsync(string projectId) =>
        Api.PostAsync($"/api/v1/admin/projects/{projectId}/rotate-data-key", null, fx.AdminToken);

    /// <summary>Exactly what a rotation's first transaction does (and a crash right after it leaves).</summary>
    private static Task<long> AddKeyVersionAsync(TestServer server, string projectId)
    {
        var ring = server.Services.GetRequiredService<ProjectKeyRing>();
        return server.Services.GetRequiredService<Db>().WriteAsync(async (conn, tx) =>
        {
            await ProjectContentVersion.BumpAsync(conn, tx, projectId);
            return await ring.AddVersionAsync(conn, tx, projectId, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        });
    }

    private sealed record Sealed(long KeyVersion, string Blobs);

    /// <summary>Every sealed row of the project, secrets and versions, by table and row id.</summary>
    private async Task<Dictionary<(string Table, string Id), Sealed>> SealedAsync(string projectId)
    {
        var result = new Dictionary<(string, string), Sealed>();
        foreach (var table in new[] { "secrets", "secret_versions" })
        {
            var rows = await Rows.QueryAsync<(string Id, long KeyVersion, byte[] Value, byte[]? Comment, byte[]? Metadata)>(fx.Server,
                $"SELECT id, key_version, encrypted_value, encrypted_comment, encrypted_metadata FROM {table} WHERE project_id = @projectId",
                new { projectId });
            foreach (var row in rows)
                result[(table, row.Id)] = new Sealed(row.KeyVersion,
                    $"{Convert.ToHexString(row.Value)}|{Hex(row.Comment)}|{Hex(row.Metadata)}");
        }
        return result;
    }

    private static string Hex(byte[]? bytes) => bytes is null ? "null" : Convert.ToHexString(bytes);

    private sealed record KeyRow(long KeyVersion, byte[] WrappedKey);

    private async Task<List<KeyRow>> KeysAsync(string projectId) =>
        [.. (await Rows.QueryAsync<(long KeyVersion, byte[] WrappedKey)>(fx.Server,
            "SELECT key_version, wrapped_key FROM project_data_keys WHERE project_id = @projectId ORDER BY key_version", new { projectId }))
            .Select(k => new KeyRow(k.KeyVersion, k.WrappedKey))];

    /// <summary>Waits for a restarted server's resumer to finish; the bound only turns a hang into a failure.</summary>
    private async Task UntilOneKeyLeftAsync(string projectId)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while ((await KeysAsync(projectId)).Count > 1)
        {
            Assert.True(DateTime.UtcNow < deadline, "the restarted server did not finish the rotation");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    private async Task<string> SecretIdAsync(string projectId, string key) =>
        (await Rows.QueryAsync<string>(fx.Server, "SELECT id FROM secrets WHERE project_id = @projectId AND key = @key", new { projectId, key }))[0];
}
