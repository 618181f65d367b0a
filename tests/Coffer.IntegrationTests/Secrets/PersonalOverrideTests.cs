using System.Text.Json.Nodes;
using Coffer.IntegrationTests.Infrastructure;
using Coffer.Server.Data;
using Coffer.Server.Features.AuditLogs;
using Coffer.Server.Features.Projects;
using Coffer.Server.Features.Secrets;
using Coffer.Server.Http;
using Coffer.Server.Http.Auth;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.IntegrationTests.Secrets;

/// <summary>
/// Personal overrides belong to user actors. Users cannot log in to Coffer over HTTP yet, so these tests drive the
/// secret services directly as the bootstrap admin user; identities are checked over HTTP.
/// </summary>
public sealed class PersonalOverrideTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private static readonly AuditContext Audit = new("user", null, new JsonObject(), "127.0.0.1", null, "other");

    private async Task<(TestProject Project, Actor User)> UserMemberAsync()
    {
        var p = await fx.Given.TestProjectAsync();
        var userId = fx.Given.Bootstrap["user"]!["id"]!.GetValue<string>();
        var db = fx.Server.Services.GetRequiredService<Db>();
        await db.WriteAsync(async (conn, tx) =>
        {
            var membershipId = Guid.CreateVersion7().ToString();
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            await ProjectStore.InsertMembershipAsync(conn, tx, membershipId, p.Id, null, userId, now);
            await ProjectStore.InsertPermanentRoleAsync(conn, tx, membershipId, "member", null, now);
        });
        return (p, new Actor(ActorType.User, userId, fx.OrgId, Given.AdminEmail, "email"));
    }

    private SecretWriter Writer => fx.Server.Services.GetRequiredService<SecretWriter>();
    private SecretReader Reader => fx.Server.Services.GetRequiredService<SecretReader>();

    private static ListSecretsRequest List(string projectId) => new(projectId, "dev", "/", true, false, false, false, [], []);

    [Fact]
    public async Task A_user_override_shows_only_to_that_user_and_goes_with_its_shared_secret()
    {
        var (p, user) = await UserMemberAsync();
        await SecretKeys.CreateAsync(fx.Api, fx.AdminToken, p.Id, "DB_HOST", "shared-host");
        var at = new SecretLocation(p.Id, "dev", "/");
        var created = await Writer.CreateAsync(user, Audit, new CreateSecretRequest(at, "DB_HOST", SecretTypes.Personal, new SecretInput { Value = "localhost" }));
        Assert.Equal("personal", created.Type);

        var mine = await Reader.ListAsync(user, Audit, List(p.Id));
        Assert.Equal(["shared:shared-host", "personal:localhost"], mine.Secrets.Select(s => $"{s.Type}:{s.Value}"));
        var personal = await Reader.GetByNameAsync(user, Audit, new GetSecretRequest(p.Id, "dev", "/", "DB_HOST", SecretTypes.Personal, null, true, false, false));
        Assert.Equal("localhost", personal.Value);

        Assert.Equal(new Dictionary<string, string> { ["DB_HOST"] = "shared-host" },
            SecretKeys.Values(await SecretKeys.ListAsync(fx.Api, fx.AdminToken, p.Id)));

        var updated = await Writer.UpdateAsync(user, Audit, new UpdateSecretRequest(at, "DB_HOST", SecretTypes.Personal, null, new SecretInput { Value = "127.0.0.1" }));
        Assert.Equal(2, updated.Version);
        var rename = await Assert.ThrowsAsync<BadRequestException>(() =>
            Writer.UpdateAsync(user, Audit, new UpdateSecretRequest(at, "DB_HOST", SecretTypes.Personal, "OTHER", new SecretInput())));
        Assert.Equal("Personal secret cannot change the key name", rename.Message);

        Expect.Ok(await fx.Api.DeleteAsync("/api/v3/secrets/raw/DB_HOST", fx.AdminToken, new { workspaceId = p.Id, environment = "dev" }));
        Assert.Empty((await Reader.ListAsync(user, Audit, List(p.Id))).Secrets);
    }

    [Fact]
    public async Task An_override_needs_a_shared_secret_of_the_same_name()
    {
        var (p, user) = await UserMemberAsync();
        var ex = await Assert.ThrowsAsync<BadRequestException>(() => Writer.CreateAsync(user, Audit,
            new CreateSecretRequest(new SecretLocation(p.Id, "dev", "/"), "NOPE", SecretTypes.Personal, new SecretInput { Value = "x" })));
        Assert.Equal("Failed to create personal secret override for no corresponding shared secret", ex.Message);
        var missing = await Assert.ThrowsAsync<NotFoundException>(() => Writer.UpdateAsync(user, Audit,
            new UpdateSecretRequest(new SecretLocation(p.Id, "dev", "/"), "NOPE", SecretTypes.Personal, null, new SecretInput { Value = "x" })));
        Assert.Equal("Personal secret with name NOPE not found", missing.Message);
    }
}
