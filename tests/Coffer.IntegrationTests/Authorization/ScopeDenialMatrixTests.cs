using Coffer.IntegrationTests.Infrastructure;
using Coffer.Server.Http.Auth;
using Microsoft.AspNetCore.Routing;

namespace Coffer.IntegrationTests.Authorization;

/// <summary>
/// Issue 7.3, the callers whose token is valid but whose scope is wrong: every route of <see cref="DenialRouteTable"/>
/// (which must name every route of the routing table) × {admin of another organization, <c>no-access</c> project
/// member, project <c>viewer</c> on a write} gets its documented denial with the exact body, and the database is
/// unchanged afterwards. Where a caller is not denied the entry says why; reads it allows are sent and must answer 200.
/// </summary>
public sealed class ScopeDenialMatrixTests(
    DynamicSecrets.DynamicSecretServer fx, DynamicSecrets.TargetPostgres leaseDatabase, Auth.TestLdap ldap, ITestOutputHelper output)
    : IClassFixture<DynamicSecrets.DynamicSecretServer>, IClassFixture<DynamicSecrets.TargetPostgres>, IClassFixture<Auth.TestLdap>
{
    // State a request may change by design whatever its answer: failed-login counters, rate-limit windows.
    private static readonly string[] StatefulTables = ["auth_lockouts", "rate_limit_counters", "rate_limits"];

    [Fact]
    public async Task Every_route_refuses_other_organizations_no_access_members_and_viewer_writes_without_side_effects()
    {
        var world = await DenialWorld.SeedAsync(fx, leaseDatabase.Port, ldap.Url);
        var table = DenialRouteTable.Build(world);
        AssertTableMatchesRoutingTable(table);

        var before = await DbSnapshot.TakeAsync(fx.Server, StatefulTables);
        var failures = new List<string>();
        var denied = new Dictionary<Caller, int>();
        var probed = 0;
        var explained = 0;
        var publicCells = 0;
        var viewerReads = 0;
        foreach (var route in table)
        {
            foreach (var (caller, outcome) in route.Outcomes)
            {
                if (outcome is NotDenied { Probe: false })
                {
                    if (route.Public) publicCells++;
                    else if (caller == Caller.Viewer && route.Method == "GET") viewerReads++;
                    else explained++;
                    continue;
                }
                var r = await SendAsync(route, caller switch
                {
                    Caller.OtherOrg => world.OtherOrgToken,
                    Caller.NoAccess => route.OrgScoped ? world.OrgNoAccessToken : world.NoAccessToken,
                    _ => world.ViewerToken,
                });
                var where = $"{caller} × {route.Key} ({route.Path})";
                try
                {
                    if (outcome is Denied d)
                    {
                        Expect.Error(r, d.Status, d.Error, d.Message, allowDetails: d.Status is 400 or 403);
                        denied[caller] = denied.GetValueOrDefault(caller) + 1;
                    }
                    else
                    {
                        Expect.Ok(r);
                        // Another organization's caller is let through only to its own data.
                        if (caller == Caller.OtherOrg) Assert.DoesNotContain(world.ProjectId, r.RawBody, StringComparison.Ordinal);
                        probed++;
                    }
                }
                catch (Exception ex) when (ex is Xunit.Sdk.XunitException or InvalidOperationException)
                {
                    failures.Add($"{where}: {ex.Message}");
                }
            }
        }

        var after = await DbSnapshot.TakeAsync(fx.Server, StatefulTables);
        Assert.True(failures.Count == 0, $"{failures.Count} cell(s) of the matrix differ:\n{string.Join("\n", failures)}");
        Assert.True(before == after, "a refused request changed the database:\n" + DbSnapshot.Diff(before, after));

        // The sample requests are valid: the project admin reading with them gets 200, so every denial above came from
        // the caller's scope and not from a request that could not have succeeded anyway.
        var controls = 0;
        foreach (var route in table.Where(r => !r.Public && r.Method == "GET"))
        {
            var r = await SendAsync(route, world.AdminToken);
            var expected = route.RefusedToAll?.Status ?? 200;
            if (r.Code != expected) failures.Add($"admin × {route.Key} ({route.Path}): expected {expected}, got {r}");
            controls++;
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));

        var authenticated = table.Count(r => !r.Public);
        var summary = $"routes: {table.Count} ({authenticated} authenticated); denials checked: {denied.Values.Sum()} " +
            $"(other org {denied.GetValueOrDefault(Caller.OtherOrg)}, no-access {denied.GetValueOrDefault(Caller.NoAccess)}, " +
            $"viewer writes {denied.GetValueOrDefault(Caller.Viewer)}); allowed and probed with 200: {probed}; " +
            $"writes allowed by design, reason given: {explained}; not applicable: {publicCells} public-route and {viewerReads} viewer-read cells; " +
            $"admin controls (same reads, 200): {controls}; database unchanged";
        output.WriteLine(summary);
        TestReport.Write("authorization matrix (scope)", summary);
    }

    /// <summary>The table has exactly one entry per route of the routing table; public entries are exactly the routes without a caller.</summary>
    private void AssertTableMatchesRoutingTable(IReadOnlyList<RouteCase> table)
    {
        var routing = new Dictionary<string, bool>();
        foreach (var endpoint in fx.Server.Endpoints)
        {
            var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["*"];
            var authenticated = endpoint.Metadata.GetMetadata<RequiresActorMetadata>() is not null;
            foreach (var method in methods) routing[DenialKeys.Of(method, endpoint.RoutePattern.RawText!)] = authenticated;
        }

        var duplicates = table.GroupBy(c => c.Key).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(duplicates.Count == 0, "routes with more than one entry in DenialRouteTable: " + string.Join(", ", duplicates));
        var keys = table.Select(c => c.Key).ToHashSet();
        var missing = routing.Keys.Where(k => !keys.Contains(k)).Order(StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0,
            "routes in the routing table without an entry in DenialRouteTable (add one: a valid request and each caller's denial, " +
            "or the reason it has none):\n" + string.Join("\n", missing));
        var stale = keys.Where(k => !routing.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        Assert.True(stale.Count == 0, "entries in DenialRouteTable for routes that do not exist: " + string.Join(", ", stale));
        var mislabelled = table.Where(c => c.Public == routing[c.Key]).Select(c => $"{c.Key} (public in the table: {c.Public})").ToList();
        Assert.True(mislabelled.Count == 0, "entries whose public flag disagrees with the route's auth requirement: " + string.Join(", ", mislabelled));
        Assert.True(table.Count(c => !c.Public) >= 100, $"only {table.Count(c => !c.Public)} authenticated routes");
    }

    private Task<ApiResponse> SendAsync(RouteCase route, string token) =>
        fx.Api.SendAsync(new HttpMethod(route.Method), route.Path, route.Body, token);
}
