using Coffer.Server.Data;
using Coffer.Server.Features.Projects;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.IntegrationTests.Infrastructure;

/// <summary>A project as the tests use it: its id and the ids of its default environments.</summary>
public sealed record TestProject(string Id, string Slug, IReadOnlyDictionary<string, string> EnvironmentIds);

/// <summary>Projects and members for the secret tests.</summary>
public static class GivenProjects
{
    /// <summary>A new project created by the bootstrap admin identity (which becomes its admin).</summary>
    public static async Task<TestProject> ProjectAsync(this Given given, string? name = null)
    {
        var r = await given.Api.PostAsync("/api/v1/projects", new { projectName = name ?? "p-" + Guid.NewGuid().ToString("N")[..8] }, given.AdminToken);
        Expect.Ok(r);
        var project = r.Json["project"]!;
        return new TestProject(project["id"]!.GetValue<string>(), project["slug"]!.GetValue<string>(),
            project["environments"]!.AsArray().ToDictionary(e => e!["slug"]!.GetValue<string>(), e => e!["id"]!.GetValue<string>()));
    }

    /// <summary>
    /// Makes an identity a member of a project with a built-in role. Written straight to the database while the
    /// identity-membership route is being built on main.
    /// TODO: switch to POST /api/v1/projects/{projectId}/identity-memberships/{identityId} once it lands.
    /// </summary>
    public static Task AddMemberAsync(this Given given, string projectId, string identityId, string role = "member") =>
        WriteMembershipAsync(given.Server, projectId, identityId, role, null);

    /// <summary>
    /// Makes an identity a member with a custom role holding <paramref name="packedPermissions"/> (CASL packed rules,
    /// e.g. <c>[["readValue,describeSecret","secrets",{"secretPath":{"$glob":"/app/**"}}]]</c>).
    /// TODO: switch to the project-role and membership routes once they land on main.
    /// </summary>
    public static async Task AddCustomRoleMemberAsync(this Given given, string projectId, string identityId, string packedPermissions)
    {
        var roleId = Guid.CreateVersion7().ToString();
        var db = given.Server.Services.GetRequiredService<Db>();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await db.WriteAsync((conn, tx) => conn.ExecuteAsync(
            "INSERT INTO project_roles (id, project_id, name, slug, description, permissions, created_at, updated_at) " +
            "VALUES (@roleId, @projectId, @name, @name, NULL, @packedPermissions, @now, @now)",
            new { roleId, projectId, name = "role-" + roleId[^8..], packedPermissions, now }, tx));
        await WriteMembershipAsync(given.Server, projectId, identityId, "custom", roleId);
    }

    /// <summary>A new identity with a universal-auth token that is a member of <paramref name="projectId"/>.</summary>
    public static async Task<(string IdentityId, string Token)> MemberAsync(this Given given, string projectId, string role = "member")
    {
        var (id, token) = await given.IdentityWithTokenAsync("member");
        await given.AddMemberAsync(projectId, id, role);
        return (id, token);
    }

    /// <summary>A new identity and token, member of the project through a custom role with these packed rules.</summary>
    public static async Task<(string IdentityId, string Token)> CustomMemberAsync(this Given given, string projectId, string packedPermissions)
    {
        var (id, token) = await given.IdentityWithTokenAsync("member");
        await given.AddCustomRoleMemberAsync(projectId, id, packedPermissions);
        return (id, token);
    }

    private static async Task WriteMembershipAsync(TestServer server, string projectId, string identityId, string role, string? customRoleId)
    {
        var db = server.Services.GetRequiredService<Db>();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await db.WriteAsync(async (conn, tx) =>
        {
            var membershipId = Guid.CreateVersion7().ToString();
            await ProjectStore.InsertMembershipAsync(conn, tx, membershipId, projectId, identityId, null, now);
            await ProjectStore.InsertPermanentRoleAsync(conn, tx, membershipId, role, customRoleId, now);
            await SecurityEpoch.BumpAsync(conn, tx);
        });
    }
}
