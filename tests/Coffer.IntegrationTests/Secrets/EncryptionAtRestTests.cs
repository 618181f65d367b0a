using Coffer.IntegrationTests.Infrastructure;
using Coffer.Server.Configuration;
using Coffer.Server.Data;
using Coffer.Server.Features.AuditLogs;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.IntegrationTests.Secrets;

/// <summary>No plaintext value, comment or metadata in the database file (or its WAL), and ciphertexts bound to their rows.</summary>
public sealed class EncryptionAtRestTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private Api Api => fx.Api;

    private static string Canary(string what) => $"canary-{what}-{Guid.NewGuid():N}";

    [Fact]
    public async Task Values_comments_and_metadata_never_reach_the_database_in_plaintext()
    {
        var p = await fx.Given.TestProjectAsync();
        string value = Canary("value"), comment = Canary("comment"), metadata = Canary("metadata"), older = Canary("older"), deleted = Canary("deleted");
        Expect.Ok(await Api.PostAsync("/api/v4/secrets/CANARY_SECRET", new
        {
            projectId = p.Id,
            environment = "dev",
            secretValue = older,
            secretComment = comment,
            secretMetadata = new[] { new { key = "owner", value = metadata, isEncrypted = true } },
        }, fx.AdminToken));
        Expect.Ok(await Api.PatchAsync("/api/v4/secrets/CANARY_SECRET", new { projectId = p.Id, environment = "dev", secretValue = value }, fx.AdminToken));
        await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "DELETED_SECRET", deleted);
        Expect.Ok(await Api.DeleteAsync("/api/v3/secrets/raw/DELETED_SECRET", fx.AdminToken, new { workspaceId = p.Id, environment = "dev" }));

        var read = await Api.GetAsync($"/api/v4/secrets/CANARY_SECRET?projectId={p.Id}&environment=dev", fx.AdminToken);
        Assert.Equal(value, read.Json["secret"]!["secretValue"]!.GetValue<string>());
        Assert.Equal(metadata, read.Json["secret"]!["secretMetadata"]![0]!["value"]!.GetValue<string>());
        await fx.Server.Services.GetRequiredService<AuditBatcher>().FlushAsync();

        await DatabaseBytes.AssertAbsentAsync(fx.Server, value, comment, metadata, older, deleted);
        // The scan does see the database: the (unencrypted) secret name is there.
        await Assert.ThrowsAnyAsync<Exception>(() => DatabaseBytes.AssertAbsentAsync(fx.Server, "CANARY_SECRET"));
        foreach (var canary in new[] { value, comment, metadata, older, deleted })
            Assert.DoesNotContain(canary, fx.Server.Logs.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_data_key_is_stored_only_wrapped_under_the_root_key()
    {
        var p = await fx.Given.TestProjectAsync();
        await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "K", "v");
        var db = fx.Server.Services.GetRequiredService<Db>();
        var row = await db.ReadAsync(conn => conn.QuerySingleAsync<(byte[] Wrapped, string RootKeyId)>(
            "SELECT wrapped_key, root_key_id FROM project_data_keys WHERE project_id = @id", new { id = p.Id }), TestContext.Current.CancellationToken);
        Assert.Equal(1 + 12 + 32 + 16, row.Wrapped.Length);
        Assert.Equal(fx.Server.Services.GetRequiredService<CofferOptions>().RootKey.KeyId, row.RootKeyId);
    }

    [Fact]
    public async Task A_ciphertext_copied_to_another_row_does_not_open()
    {
        var p = await fx.Given.TestProjectAsync();
        var a = Canary("a");
        var b = Canary("b");
        await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "SWAP_A", a);
        await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "SWAP_B", b);
        var db = fx.Server.Services.GetRequiredService<Db>();
        await db.WriteAsync(async (conn, tx) =>
        {
            var fromB = await conn.ExecuteScalarAsync<byte[]>("SELECT encrypted_value FROM secrets WHERE key = 'SWAP_B' AND project_id = @id", new { id = p.Id }, tx);
            await conn.ExecuteAsync("UPDATE secrets SET encrypted_value = @fromB WHERE key = 'SWAP_A' AND project_id = @id", new { fromB, id = p.Id }, tx);
            await Coffer.Server.Data.ProjectContentVersion.BumpAsync(conn, tx, p.Id);
        }, TestContext.Current.CancellationToken);

        var r = await Api.GetAsync($"/api/v3/secrets/raw/SWAP_A?workspaceId={p.Id}&environment=dev", fx.AdminToken);
        Expect.Error(r, 500, "InternalServerError", "Something went wrong");
        Assert.DoesNotContain(b, r.RawBody, StringComparison.Ordinal);
        Assert.DoesNotContain(b, fx.Server.Logs.All, StringComparison.Ordinal);
        Assert.Equal(b, (await Api.GetAsync($"/api/v3/secrets/raw/SWAP_B?workspaceId={p.Id}&environment=dev", fx.AdminToken)).Json["secret"]!["secretValue"]!.GetValue<string>());
    }
}
