using System.Text.Json.Nodes;
using Coffer.IntegrationTests.Infrastructure;
using Coffer.Server.Data;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.IntegrationTests.Operations;

/// <summary>
/// <c>GET /api/v1/organization/audit-logs/export</c>: every row of a time range as JSON lines, oldest first, across
/// page boundaries without a row lost or repeated (keyset pages of a thousand, rows sharing a timestamp included), in
/// the search's row shape, not cached; and a project's trail only for whom may read it.
/// </summary>
public sealed class AuditExportTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task A_time_range_exports_every_row_once_oldest_first()
    {
        var project = await fx.Given.TestProjectAsync();
        var db = fx.Server.Services.GetRequiredService<Db>();
        var start = UnixMs.Now(fx.Server.Clock) - (200L * 86_400_000);
        // 2 345 rows over 1 200 distinct milliseconds: pages end inside runs of equal timestamps.
        var rows = Enumerable.Range(0, 2345).Select(i => new
        {
            id = Ids.New(),
            orgId = fx.OrgId,
            projectId = project.Id,
            eventType = $"export-test-{i}",
            createdAt = start + (i / 2),
        }).ToList();
        await db.WriteAsync((conn, tx) => conn.ExecuteAsync(
            "INSERT INTO audit_logs (id, org_id, project_id, actor_type, actor_id, actor_metadata, event_type, event_metadata, created_at) " +
            "VALUES (@id, @orgId, @projectId, 'platform', NULL, '{}', @eventType, '{}', @createdAt)", rows, tx), TestContext.Current.CancellationToken);

        var from = DateTimeOffset.FromUnixTimeMilliseconds(start).ToString("O");
        var to = DateTimeOffset.FromUnixTimeMilliseconds(start + 2000).ToString("O");
        using var http = fx.Server.CreateClient(fx.AdminToken);
        using var response = await http.GetAsync($"/api/v1/organization/audit-logs/export?startDate={Uri.EscapeDataString(from)}&endDate={Uri.EscapeDataString(to)}",
            TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("no-store", response.Headers.CacheControl!.ToString());
        var lines = (await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(2345, lines.Length);
        var exported = lines.Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        Assert.Equal(rows.Select(r => r.id).Order(StringComparer.Ordinal), exported.Select(e => e["id"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        var times = exported.Select(e => DateTimeOffset.Parse(e["createdAt"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(times.Order(), times);
        Assert.Equal(project.Id, exported[0]["projectId"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_project_trail_is_exported_only_to_whom_may_read_it()
    {
        var project = await fx.Given.TestProjectAsync();
        var (id, token) = await fx.Given.IdentityWithTokenAsync("member");
        await fx.Given.MemberAsync(project.Id, id, "no-access");
        var r = await fx.Api.GetAsync($"/api/v1/organization/audit-logs/export?projectId={project.Id}", token);
        var body = Expect.Error(r, 403, "PermissionDenied", "You are not allowed to read on audit-logs", allowDetails: true);
        Assert.Equal("[]", body["details"]!.ToJsonString());
    }
}
