using Coffer.IntegrationTests.Infrastructure;
using Coffer.Server.Configuration;
using Coffer.Server.Crypto;
using Coffer.Server.Data;
using Coffer.Server.Hosting;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.IntegrationTests.Secrets;

/// <summary><c>coffer-server rotate-root-key</c>: every data key rewrapped, secrets untouched, logins still work under the new key.</summary>
public sealed class RootKeyRotationTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Rotation_rewraps_keys_without_touching_secret_rows()
    {
        var api = fx.Api;
        var p = await fx.Given.TestProjectAsync();
        await SecretKeys.CreateAsync(api, fx.AdminToken, p.Id, "ROTATED", "still-readable", comment: "c");
        var identity = await fx.Given.IdentityAsync();
        var (clientId, clientSecret) = await fx.Given.UniversalAuthAsync(identity);
        await fx.Given.MemberAsync(p.Id, identity);

        var db = fx.Server.Services.GetRequiredService<Db>();
        var rowsBefore = await SecretRowsAsync(db);
        var newKeyValue = RootKey.NewRootEncryptionKeyValue();
        using var next = RootKey.FromRootEncryptionKey(newKeyValue);
        var current = fx.Server.Services.GetRequiredService<CofferOptions>().RootKey;

        var result = await RootKeyRotation.RunAsync(db, current, next, TimeProvider.System);
        Assert.True(result.DataKeys >= 1);
        Assert.Equal(1, result.ServerKeys);
        Assert.Equal(rowsBefore, await SecretRowsAsync(db));
        Assert.Equal(new RootKeyRotation.Result(0, 0), await RootKeyRotation.RunAsync(db, current, next, TimeProvider.System));

        await using var rotated = await TestServer.StartAsync(fx.Server.SameDatabase(newKeyValue));
        var rotatedApi = new Api(rotated.Http);
        var read = await rotatedApi.GetAsync($"/api/v3/secrets/raw/ROTATED?workspaceId={p.Id}&environment=dev", fx.AdminToken);
        Expect.Ok(read);
        Assert.Equal("still-readable", read.Json["secret"]!["secretValue"]!.GetValue<string>());
        var login = await rotatedApi.PostAsync("/api/v1/auth/universal-auth/login", new { clientId, clientSecret });
        Expect.Ok(login);

        await using var stale = await TestServer.StartAsync(fx.Server.SameDatabase(Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray())));
        var refused = await new Api(stale.Http).GetAsync($"/api/v3/secrets/raw/ROTATED?workspaceId={p.Id}&environment=dev", fx.AdminToken);
        Expect.Error(refused, 500, "InternalServerError", "Something went wrong");
    }

    private static Task<string> SecretRowsAsync(Db db) =>
        db.ReadAsync(async conn => string.Join('|', (await conn.QueryAsync<(string Id, byte[] Value, long Version)>(
            "SELECT id, encrypted_value, version FROM secrets ORDER BY id")).Select(r => $"{r.Id}:{Convert.ToHexString(r.Value)}:{r.Version}")));
}
