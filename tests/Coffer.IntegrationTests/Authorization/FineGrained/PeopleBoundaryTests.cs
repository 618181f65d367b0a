using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Authorization.FineGrained;

/// <summary>
/// The privilege boundary on people: callers with project <c>member</c>, project <c>admin</c>, a custom role that manages
/// members (held beside <c>viewer</c>) and the organization <c>admin</c> change a user's project roles, remove them from
/// the project and deactivate them in the organization, against a user who administers the project and one who views
/// it. Each cell states its expectation and why; a refusal is a 403 envelope with the database unchanged, an allowed
/// call is checked for its effect. Every cell starts from a fresh project. Runs on SQLite and PostgreSQL.
/// </summary>
public sealed class PeopleBoundaryTests(ServerFixture fx, ITestOutputHelper output) : IClassFixture<ServerFixture>
{
    private static readonly string[] Stateful = ["auth_lockouts", "rate_limit_counters", "rate_limits"];

    private static readonly object[] MemberManagerRules =
        [new { subject = "member", action = new[] { "read", "create", "edit", "delete", "grant-privileges" } }];

    private enum Caller { ProjectMember, ProjectAdmin, MemberManager, OrgAdmin }

    private enum Target { Admin, Viewer }

    private enum Operation { SetViewer, Remove, Deactivate }

    /// <summary>Whether a call is allowed, and the reason the suite expects it.</summary>
    private static (bool Allowed, string Why) Expected(Caller caller, Target target, Operation op) => (caller, op) switch
    {
        (_, Operation.Deactivate) when caller != Caller.OrgAdmin => (false, "only the organization admin may edit members of the organization"),
        (Caller.OrgAdmin, Operation.Deactivate) => (true, "an organization admin holds everything anyone holds in the organization"),
        (Caller.OrgAdmin, _) => (false, "an organization admin who is not in the project acts there only after granting itself access"),
        (Caller.ProjectMember, _) => (false, "the project member role may read and add members, not edit or remove them"),
        (Caller.ProjectAdmin, _) => (true, "a project admin holds everything anyone holds in the project"),
        (Caller.MemberManager, _) when target == Target.Admin => (false, "the manager does not hold what a project admin holds"),
        (Caller.MemberManager, _) => (true, "the manager holds the viewer role itself, so it holds everything the viewer holds"),
        _ => throw new ArgumentOutOfRangeException(nameof(caller)),
    };

    [Fact]
    public async Task Every_change_to_a_person_is_allowed_exactly_when_the_caller_holds_what_the_person_holds()
    {
        var people = new Dictionary<Target, (string Id, string Email, string OrgMembershipId)>();
        foreach (var target in Enum.GetValues<Target>())
        {
            var (id, email) = await OrgUsers.AddAsync(fx, target.ToString().ToLowerInvariant());
            people[target] = (id, email, await OrgUsers.MembershipIdAsync(fx, id));
        }

        var (cells, denied, allowed) = (0, 0, 0);
        var failures = new List<string>();
        foreach (var caller in Enum.GetValues<Caller>())
        {
            foreach (var target in Enum.GetValues<Target>())
            {
                foreach (var op in Enum.GetValues<Operation>())
                {
                    var (projectId, token) = await SetUpAsync(caller, people, target);
                    var person = people[target];
                    var (expected, why) = Expected(caller, target, op);
                    var label = $"{caller} × {op} {target} (expected {(expected ? "allowed" : "refused")}: {why})";
                    var before = expected ? "" : await DbSnapshot.TakeAsync(fx.Server, Stateful);
                    var r = await SendAsync(op, projectId, person, token);
                    cells++;
                    try
                    {
                        if (expected)
                        {
                            Assert.True(r.Code == 200, $"expected 200 but got {r}");
                            await VerifyAsync(op, projectId, person);
                            allowed++;
                        }
                        else
                        {
                            Assert.True(r.Code == 403, $"expected 403 but got {r}");
                            Assert.Contains(r.Json["error"]!.GetValue<string>(), new[] { "PermissionDenied", "PermissionBoundaryError", "ProjectMembershipNotFound" });
                            var after = await DbSnapshot.TakeAsync(fx.Server, Stateful);
                            Assert.True(before == after, "refused, but the database changed:\n" + DbSnapshot.Diff(before, after));
                            denied++;
                        }
                    }
                    catch (Xunit.Sdk.XunitException ex)
                    {
                        failures.Add($"{label}: {ex.Message}");
                    }
                    if (op == Operation.Deactivate && expected)
                        Expect.Ok(await fx.Api.PatchAsync($"/api/v2/organizations/{fx.OrgId}/memberships/{person.OrgMembershipId}", new { isActive = true },
                            fx.AdminToken));
                }
            }
        }

        var summary = $"{cells} cells (4 callers × 2 people × set-role, remove, deactivate): {denied} refused with the database unchanged, {allowed} allowed and checked";
        output.WriteLine(summary);
        Assert.True(failures.Count == 0, $"{failures.Count} cell(s) differ:\n{string.Join("\n", failures)}");
        Assert.Equal(24, cells);
        TestReport.Write("authorization (privilege boundary, people)", summary);
    }

    /// <summary>A fresh project with both people in it (admin and viewer) and the caller in its place; returns the caller's token.</summary>
    private async Task<(string ProjectId, string Token)> SetUpAsync(Caller caller, Dictionary<Target, (string Id, string Email, string OrgMembershipId)> people,
        Target target)
    {
        var projectId = await fx.Given.ProjectAsync();
        Expect.Ok(await fx.Api.PostAsync($"/api/v2/workspace/{projectId}/memberships",
            new { usernames = new[] { people[target].Email }, roleSlugs = new[] { target == Target.Admin ? "admin" : "viewer" } }, fx.AdminToken));
        var (identityId, token) = await fx.Given.IdentityWithTokenAsync(caller == Caller.OrgAdmin ? "admin" : "member");
        switch (caller)
        {
            case Caller.ProjectMember:
                await fx.Given.MemberAsync(projectId, identityId, "member");
                break;
            case Caller.ProjectAdmin:
                await fx.Given.MemberAsync(projectId, identityId, "admin");
                break;
            case Caller.MemberManager:
                await fx.Given.RoleAsync(projectId, "member-manager", MemberManagerRules);
                Expect.Ok(await fx.Api.PostAsync($"/api/v1/projects/{projectId}/identity-memberships/{identityId}",
                    new { roles = new object[] { new { role = "viewer" }, new { role = "member-manager" } } }, fx.AdminToken));
                break;
        }
        return (projectId, token);
    }

    private async Task<ApiResponse> SendAsync(Operation op, string projectId, (string Id, string Email, string OrgMembershipId) person, string token)
    {
        var membershipId = await ProjectMembershipIdAsync(projectId, person.Id);
        return op switch
        {
            Operation.SetViewer => await fx.Api.PatchAsync($"/api/v1/projects/{projectId}/memberships/{membershipId}",
                new { roles = new[] { new { role = "viewer", isTemporary = false } } }, token),
            Operation.Remove => await fx.Api.DeleteAsync($"/api/v1/projects/{projectId}/memberships/{membershipId}", token),
            _ => await fx.Api.PatchAsync($"/api/v2/organizations/{fx.OrgId}/memberships/{person.OrgMembershipId}", new { isActive = false }, token),
        };
    }

    private async Task VerifyAsync(Operation op, string projectId, (string Id, string Email, string OrgMembershipId) person)
    {
        var read = await fx.Api.GetAsync($"/api/v1/projects/{projectId}/user/{person.Id}/membership", fx.AdminToken);
        switch (op)
        {
            case Operation.SetViewer:
                Assert.Equal("viewer", Assert.Single(read.Json["membership"]!["roles"]!.AsArray())!["role"]!.GetValue<string>());
                break;
            case Operation.Remove:
                Assert.Equal(404, read.Code);
                break;
            default:
                var org = await fx.Api.GetAsync($"/api/v2/organizations/{fx.OrgId}/memberships/{person.OrgMembershipId}", fx.AdminToken);
                Assert.False(org.Json["membership"]!["isActive"]!.GetValue<bool>());
                break;
        }
    }

    private async Task<string> ProjectMembershipIdAsync(string projectId, string userId)
    {
        var r = await fx.Api.GetAsync($"/api/v1/projects/{projectId}/user/{userId}/membership", fx.AdminToken);
        Expect.Ok(r);
        return r.Json["membership"]!["id"]!.GetValue<string>();
    }
}
