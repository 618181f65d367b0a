using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using Coffer.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.IntegrationTests.Kms;

/// <summary>
/// Customer-managed encryption keys as Infisical's cmek routes serve them (create, read by id and name, list, update,
/// disable, delete, encrypt, decrypt), and Coffer's versions: rotation, rewrap and a minimum decryption version.
/// </summary>
public sealed class KmsKeyTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private const string Root = "/api/v1/kms/keys";

    private static readonly string[] KeyKeys =
        ["id", "description", "isDisabled", "orgId", "name", "createdAt", "updatedAt", "projectId", "keyUsage", "version", "encryptionAlgorithm", "algorithm"];

    private Api Api => fx.Api;

    private async Task<JsonObject> CreateAsync(string projectId, object body)
    {
        var r = await Api.PostAsync(Root, body, fx.AdminToken);
        Expect.Ok(r);
        return r.Json["key"]!.AsObject();
    }

    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private async Task<string> EncryptAsync(string keyId, string text)
    {
        var r = await Api.PostAsync($"{Root}/{keyId}/encrypt", new { plaintext = B64(text) }, fx.AdminToken);
        Expect.Ok(r);
        Expect.Keys(r.Json, "ciphertext");
        return r.Json["ciphertext"]!.GetValue<string>();
    }

    private async Task<ApiResponse> DecryptAsync(string keyId, string ciphertext) =>
        await Api.PostAsync($"{Root}/{keyId}/decrypt", new { ciphertext }, fx.AdminToken);

    private static string PlainOf(ApiResponse r)
    {
        Expect.Ok(r);
        Expect.Keys(r.Json, "plaintext");
        return Encoding.UTF8.GetString(Convert.FromBase64String(r.Json["plaintext"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_key_lives_through_create_read_list_update_disable_and_delete()
    {
        var projectId = await fx.Given.ProjectAsync();
        var key = await CreateAsync(projectId, new { projectId, name = "payments", description = "card data" });
        Expect.Keys(key, KeyKeys);
        Assert.Equal(["payments", "card data", projectId, fx.OrgId, "encrypt-decrypt", "aes-256-gcm", "aes-256-gcm"],
            new[] { "name", "description", "projectId", "orgId", "keyUsage", "encryptionAlgorithm", "algorithm" }.Select(k => key[k]!.GetValue<string>()));
        Assert.Equal(1, key["version"]!.GetValue<int>());
        Assert.False(key["isDisabled"]!.GetValue<bool>());
        Assert.Matches(Expect.IsoMillis(), key["createdAt"]!.GetValue<string>());
        var keyId = key["id"]!.GetValue<string>();

        var byId = await Api.GetAsync($"{Root}/{keyId}", fx.AdminToken);
        Assert.True(JsonNode.DeepEquals(key, byId.Json["key"]), byId.Json.ToJsonString());
        var byName = await Api.GetAsync($"{Root}/key-name/payments?projectId={projectId}", fx.AdminToken);
        Assert.True(JsonNode.DeepEquals(key, byName.Json["key"]), byName.Json.ToJsonString());
        await CreateAsync(projectId, new { projectId, name = "audit-trail", encryptionAlgorithm = "aes-128-gcm" });
        await CreateAsync(projectId, new { projectId, name = "backups", algorithm = "aes-256-gcm" });
        var page = await Api.GetAsync($"{Root}?projectId={projectId}&limit=2&offset=1&orderDirection=desc", fx.AdminToken);
        Expect.Ok(page);
        Expect.Keys(page.Json, "keys", "totalCount");
        Assert.Equal(3, page.Json["totalCount"]!.GetValue<int>());
        Assert.Equal(["backups", "audit-trail"], page.Json["keys"]!.AsArray().Select(k => k!["name"]!.GetValue<string>()));
        var search = await Api.GetAsync($"{Root}?projectId={projectId}&search=PAY", fx.AdminToken);
        Assert.Equal(["payments"], search.Json["keys"]!.AsArray().Select(k => k!["name"]!.GetValue<string>()));

        var ciphertext = await EncryptAsync(keyId, "4111 1111 1111 1111");
        var updated = await Api.PatchAsync($"{Root}/{keyId}", new { name = "cards", isDisabled = true }, fx.AdminToken);
        Expect.Ok(updated);
        Assert.Equal(["cards", "card data"], new[] { "name", "description" }.Select(k => updated.Json["key"]![k]!.GetValue<string>()));
        Assert.True(updated.Json["key"]!["isDisabled"]!.GetValue<bool>());
        Expect.Error(await Api.PostAsync($"{Root}/{keyId}/encrypt", new { plaintext = B64("x") }, fx.AdminToken), 400, "BadRequest", "Key is disabled");
        Expect.Error(await DecryptAsync(keyId, ciphertext), 400, "BadRequest", "Key is disabled");
        Expect.Ok(await Api.PatchAsync($"{Root}/{keyId}", new { isDisabled = false }, fx.AdminToken));
        Assert.Equal("4111 1111 1111 1111", PlainOf(await DecryptAsync(keyId, ciphertext)));

        Expect.Error(await Api.PatchAsync($"{Root}/{keyId}", new { name = "backups" }, fx.AdminToken), 400, "BadRequest",
            $"A KMS key with the name \"backups\" already exists for the project with ID \"{projectId}\"");
        var deleted = await Api.DeleteAsync($"{Root}/{keyId}", fx.AdminToken);
        Expect.Ok(deleted);
        Assert.Equal(keyId, deleted.Json["key"]!["id"]!.GetValue<string>());
        Expect.Error(await Api.GetAsync($"{Root}/{keyId}", fx.AdminToken), 404, "NotFound", $"Key with ID \"{keyId}\" not found");
        Expect.Error(await DecryptAsync(keyId, ciphertext), 404, "NotFound", $"Key with ID \"{keyId}\" not found");
        Expect.Error(await Api.GetAsync($"{Root}/key-name/cards?projectId={projectId}", fx.AdminToken), 404, "NotFound",
            $"Key with name \"cards\" not found for project with ID \"{projectId}\"");
    }

    [Fact]
    public async Task Ciphertexts_are_Infisicals_blobs_and_carry_their_key_version_after_a_rotation()
    {
        var projectId = await fx.Given.ProjectAsync();
        foreach (var algorithm in new[] { "aes-256-gcm", "aes-128-gcm" })
        {
            var keyId = (await CreateAsync(projectId, new { projectId, name = algorithm, encryptionAlgorithm = algorithm }))["id"]!.GetValue<string>();
            var first = Convert.FromBase64String(await EncryptAsync(keyId, "hello"));
            // nonce (12) ‖ ciphertext (5) ‖ tag (16) ‖ "v01"
            Assert.Equal(12 + 5 + 16 + 3, first.Length);
            Assert.Equal("v01", Encoding.ASCII.GetString(first[^3..]));
            Assert.NotEqual(first, Convert.FromBase64String(await EncryptAsync(keyId, "hello")));

            var rotated = await Api.PostAsync($"{Root}/{keyId}/rotate", null, fx.AdminToken);
            Expect.Ok(rotated);
            Expect.Keys(rotated.Json["key"]!.AsObject(), KeyKeys);
            Assert.Equal(2, rotated.Json["key"]!["version"]!.GetValue<int>());
            Expect.Ok(await Api.PostAsync($"{Root}/{keyId}/rotate", null, fx.AdminToken));
            var third = Convert.FromBase64String(await EncryptAsync(keyId, "hello"));
            Assert.Equal("v02", Encoding.ASCII.GetString(third[^3..]));
            Assert.Equal(3, BinaryPrimitives.ReadInt32BigEndian(third.AsSpan(third.Length - 7, 4)));
            Assert.Equal("hello", PlainOf(await DecryptAsync(keyId, Convert.ToBase64String(first))));
            Assert.Equal("hello", PlainOf(await DecryptAsync(keyId, Convert.ToBase64String(third))));
        }
    }

    [Fact]
    public async Task Rewrap_moves_a_ciphertext_to_the_newest_version_and_a_minimum_version_retires_older_ones()
    {
        var projectId = await fx.Given.ProjectAsync();
        var keyId = (await CreateAsync(projectId, new { projectId, name = "rotating" }))["id"]!.GetValue<string>();
        var old = await EncryptAsync(keyId, "payload");
        Expect.Ok(await Api.PostAsync($"{Root}/{keyId}/rotate", null, fx.AdminToken));
        Expect.Ok(await Api.PostAsync($"{Root}/{keyId}/rotate", null, fx.AdminToken));

        var rewrapped = await Api.PostAsync($"{Root}/{keyId}/rewrap", new { ciphertext = old }, fx.AdminToken);
        Expect.Ok(rewrapped);
        Expect.Keys(rewrapped.Json, "ciphertext");
        var fresh = rewrapped.Json["ciphertext"]!.GetValue<string>();
        Assert.Equal(3, BinaryPrimitives.ReadInt32BigEndian(Convert.FromBase64String(fresh).AsSpan(Convert.FromBase64String(fresh).Length - 7, 4)));

        var retired = await Api.SendAsync(HttpMethod.Put, $"{Root}/{keyId}/min-decryption-version", new { minDecryptionVersion = 2 }, fx.AdminToken);
        Expect.Ok(retired);
        Expect.Keys(retired.Json, "key", "minDecryptionVersion");
        Assert.Equal(2, retired.Json["minDecryptionVersion"]!.GetValue<int>());
        Expect.Error(await DecryptAsync(keyId, old), 400, "BadRequest",
            "The ciphertext is of key version 1, below the key's minimum decryption version (2)");
        Expect.Error(await Api.PostAsync($"{Root}/{keyId}/rewrap", new { ciphertext = old }, fx.AdminToken), 400, "BadRequest",
            "The ciphertext is of key version 1, below the key's minimum decryption version (2)");
        Assert.Equal("payload", PlainOf(await DecryptAsync(keyId, fresh)));
        Expect.Error(await Api.SendAsync(HttpMethod.Put, $"{Root}/{keyId}/min-decryption-version", new { minDecryptionVersion = 4 }, fx.AdminToken),
            400, "BadRequest", "The minimum decryption version cannot be above the key's newest version (3)");
        // Lowering it again brings the older versions back: their material was kept.
        Expect.Ok(await Api.SendAsync(HttpMethod.Put, $"{Root}/{keyId}/min-decryption-version", new { minDecryptionVersion = 1 }, fx.AdminToken));
        Assert.Equal("payload", PlainOf(await DecryptAsync(keyId, old)));
    }

    [Fact]
    public async Task A_data_key_rotation_reseals_every_key_version_and_old_ciphertexts_still_decrypt()
    {
        var projectId = await fx.Given.ProjectAsync();
        var keyId = (await CreateAsync(projectId, new { projectId, name = "resealed" }))["id"]!.GetValue<string>();
        var v1 = await EncryptAsync(keyId, "one");
        Expect.Ok(await Api.PostAsync($"{Root}/{keyId}/rotate", null, fx.AdminToken));
        var v2 = await EncryptAsync(keyId, "two");
        var db = fx.Server.Services.GetRequiredService<Coffer.Server.Data.Db>();
        Task<IEnumerable<(long Version, long KeyVersion, byte[] Sealed)>> RowsAsync() => db.ReadAsync(conn => Dapper.SqlMapper.QueryAsync<(long, long, byte[])>(conn,
            "SELECT version, key_version, encrypted_value FROM kms_key_versions WHERE kms_key_id = @keyId ORDER BY version", new { keyId }));
        var before = (await RowsAsync()).ToList();
        Assert.Equal([1L, 1L], before.Select(r => r.KeyVersion));

        var rotation = await Api.PostAsync($"/api/v1/admin/projects/{projectId}/rotate-data-key", null, fx.AdminToken);
        Expect.Ok(rotation);
        Assert.Equal(2, rotation.Json["rotation"]!["kmsKeyVersionsResealed"]!.GetValue<int>());

        var after = (await RowsAsync()).ToList();
        Assert.Equal([2L, 2L], after.Select(r => r.KeyVersion));
        Assert.All(before.Zip(after), pair => Assert.NotEqual(pair.First.Sealed, pair.Second.Sealed));
        Assert.Equal("one", PlainOf(await DecryptAsync(keyId, v1)));
        Assert.Equal("two", PlainOf(await DecryptAsync(keyId, v2)));
    }

    [Fact]
    public async Task Bad_input_is_a_clear_4xx()
    {
        var projectId = await fx.Given.ProjectAsync();
        var keyId = (await CreateAsync(projectId, new { projectId, name = "strict" }))["id"]!.GetValue<string>();
        Expect.Validation(await Api.PostAsync($"{Root}/{keyId}/encrypt", new { plaintext = "not base64!" }, fx.AdminToken),
            Issue.Custom(["plaintext"], "data must be base64 encoded"));
        Expect.Validation(await Api.PostAsync($"{Root}/{keyId}/encrypt", new { plaintext = Convert.ToBase64String(new byte[1024 * 1024 + 1]) }, fx.AdminToken),
            Issue.Custom(["plaintext"], "data cannot exceed 1048576 bytes"));
        Expect.Validation(await Api.PostAsync($"{Root}/{keyId}/decrypt", new { ciphertext = "%%%" }, fx.AdminToken),
            Issue.Custom(["ciphertext"], "ciphertext must be base64 encoded"));
        var ciphertext = Convert.FromBase64String(await EncryptAsync(keyId, "secret"));
        ciphertext[14] ^= 1;
        Expect.Error(await DecryptAsync(keyId, Convert.ToBase64String(ciphertext)), 400, "BadRequest", "The ciphertext is not valid for this key");
        Expect.Error(await DecryptAsync(keyId, B64("short")), 400, "BadRequest", "The ciphertext is not valid for this key");
        // Another key of the same project cannot open it.
        var other = (await CreateAsync(projectId, new { projectId, name = "other" }))["id"]!.GetValue<string>();
        Expect.Error(await DecryptAsync(other, await EncryptAsync(keyId, "secret")), 400, "BadRequest", "The ciphertext is not valid for this key");

        Expect.Error(await Api.PostAsync(Root, new { projectId, name = "strict" }, fx.AdminToken), 400, "BadRequest",
            $"A KMS key with the name \"strict\" already exists for the project with ID \"{projectId}\"");
        Expect.Validation(await Api.PostAsync(Root, new { projectId, name = "wrong-pair", encryptionAlgorithm = "RSA_4096" }, fx.AdminToken),
            Issue.Custom([], "algorithm must be a valid symmetric encryption algorithm. Valid options are: aes-256-gcm, aes-128-gcm"));
        Expect.Validation(await Api.PostAsync(Root, new { projectId, name = "Bad Name!" }, fx.AdminToken),
            Issue.Custom(["name"], "Name field can only contain letters, numbers, and hyphens"));
        Expect.Validation(await Api.GetAsync($"{Root}?projectId={projectId}&limit=101", fx.AdminToken),
            Issue.TooBig(["limit"], "number", 100, "Number must be less than or equal to 100"));
        Expect.Validation(await Api.GetAsync($"{Root}/key-name/strict", fx.AdminToken), Issue.Required(["projectId"], "string"));
        Expect.Validation(await Api.SendAsync(HttpMethod.Put, $"{Root}/{keyId}/min-decryption-version", new { }, fx.AdminToken),
            Issue.Required(["minDecryptionVersion"], "number"));
        // A key of a project the caller is not in: the project's refusal, before anything about the key.
        var (_, outsider) = await fx.Given.ProjectMemberAsync(await fx.Given.ProjectAsync(), "admin");
        Expect.Error(await Api.PostAsync($"{Root}/{keyId}/encrypt", new { plaintext = B64("x") }, outsider), 403, "ProjectMembershipNotFound",
            $"You are not a member of this project with ID {projectId}. Please assign this identity to the project with the appropriate permissions, then try again.");
        var missing = Guid.NewGuid().ToString();
        Expect.Error(await Api.PostAsync($"{Root}/{missing}/encrypt", new { plaintext = B64("x") }, fx.AdminToken), 404, "NotFound",
            $"Key with ID \"{missing}\" not found");
        Expect.Error(await Api.PostAsync(Root, new { projectId = missing, name = "nowhere" }, fx.AdminToken), 404, "NotFound",
            $"Project with ID '{missing}' not found");
    }
}
