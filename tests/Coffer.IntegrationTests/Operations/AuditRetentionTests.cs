using Coffer.IntegrationTests.Infrastructure;
using Coffer.Server.Data;
using Coffer.Server.Features.AuditLogs;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.IntegrationTests.Operations;

public sealed class AuditRetentionServer : ServerFixture
{
    protected override IDictionary<string, string?>? Settings => new Dictionary<string, string?> { ["AUDIT_LOG_RETENTION_DAYS"] = "90" };
}

/// <summary>
/// Audit retention: a project's own retention (set as Terraform sets it) prunes that project's rows, the instance
/// organization's own retention its other rows, else the instance default AUDIT_LOG_RETENTION_DAYS; batches of a thousand; rows within their retention stay; and while
/// another instance holds the pruning claim, this one prunes nothing.
/// </summary>
public sealed class AuditRetentionTests(AuditRetentionServer fx) : IClassFixture<AuditRetentionServer>
{
    private Db Db => fx.Server.Services.GetRequiredService<Db>();

    private Task InsertAsync(string? projectId, int count, int daysOld, string marker) => InsertAsync(fx.OrgId, projectId, count, daysOld, marker);

    private async Task InsertAsync(string orgId, string? projectId, int count, int daysOld, string marker)
    {
        var createdAt = UnixMs.Now(fx.Server.Clock) - ((long)daysOld * 86_400_000);
        var rows = Enumerable.Range(0, count).Select(_ => new
        {
            id = Ids.New(),
            orgId,
            projectId,
            eventType = marker,
            createdAt,
        }).ToList();
        await Db.WriteAsync((conn, tx) => conn.ExecuteAsync(
            "INSERT INTO audit_logs (id, org_id, project_id, actor_type, actor_id, actor_metadata, event_type, event_metadata, created_at) " +
            "VALUES (@id, @orgId, @projectId, 'platform', NULL, '{}', @eventType, '{}', @createdAt)", rows, tx), TestContext.Current.CancellationToken);
    }

    private Task<long> CountAsync(string marker) =>
        Db.ReadAsync(conn => conn.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM audit_logs WHERE event_type = @marker", new { marker }),
            TestContext.Current.CancellationToken);

    [Fact]
    public async Task Rows_past_their_retention_are_pruned_in_batches_and_the_rest_kept()
    {
        var kept30 = await fx.Given.TestProjectAsync();
        var noOwn = await fx.Given.TestProjectAsync();
        Expect.Ok(await fx.Api.SendAsync(HttpMethod.Put, $"/api/v1/workspace/{kept30.Slug}/audit-logs-retention", new { auditLogsRetentionDays = 30 }, fx.AdminToken));
        var tag = Guid.NewGuid().ToString("N")[..8];
        await InsertAsync(kept30.Id, AuditRetentionPruner.BatchSize * 2 + 500, 40, $"old-project-{tag}");
        await InsertAsync(kept30.Id, 5, 10, $"recent-project-{tag}");
        await InsertAsync(noOwn.Id, 7, 100, $"old-default-{tag}");
        await InsertAsync(noOwn.Id, 3, 50, $"within-default-{tag}");
        await InsertAsync(null, 4, 100, $"old-org-{tag}");

        var pruner = fx.Server.Services.GetRequiredService<AuditRetentionPruner>();
        var pruned = await pruner.PruneOnceAsync(TestContext.Current.CancellationToken);

        Assert.True(pruned >= AuditRetentionPruner.BatchSize * 2 + 500 + 7 + 4, $"pruned {pruned}");
        Assert.Equal(0, await CountAsync($"old-project-{tag}"));
        Assert.Equal(5, await CountAsync($"recent-project-{tag}"));
        Assert.Equal(0, await CountAsync($"old-default-{tag}"));
        Assert.Equal(3, await CountAsync($"within-default-{tag}"));
        Assert.Equal(0, await CountAsync($"old-org-{tag}"));
    }

    [Fact]
    public async Task An_organizations_own_retention_replaces_the_instance_default_for_its_rows()
    {
        var (orgId, _, token) = await OtherOrg.CreateAsync(fx.Server);
        const string path = "/api/v1/organization/audit-logs-retention";
        Assert.Equal(Retention(0), Body(await fx.Api.GetAsync(path, token)));
        Assert.Equal(Retention(20), Body(await fx.Api.SendAsync(HttpMethod.Put, path, new { auditLogsRetentionDays = 20 }, token)));
        Assert.Equal(Retention(20), Body(await fx.Api.GetAsync(path, token)));
        var tag = Guid.NewGuid().ToString("N")[..8];
        await InsertAsync(orgId, null, 6, 30, $"other-org-old-{tag}");
        await InsertAsync(orgId, null, 2, 10, $"other-org-recent-{tag}");
        // This fixture's organization has no retention of its own: the instance's 90 days still decide for it.
        await InsertAsync(null, 3, 30, $"default-org-{tag}");

        await fx.Server.Services.GetRequiredService<AuditRetentionPruner>().PruneOnceAsync(TestContext.Current.CancellationToken);

        Assert.Equal(0, await CountAsync($"other-org-old-{tag}"));
        Assert.Equal(2, await CountAsync($"other-org-recent-{tag}"));
        Assert.Equal(3, await CountAsync($"default-org-{tag}"));
        var changed = await Db.ReadAsync(conn => conn.ExecuteScalarAsync<string>(
            "SELECT event_metadata FROM audit_logs WHERE org_id = @orgId AND event_type = 'update-org'", new { orgId }), TestContext.Current.CancellationToken);
        Assert.Equal("{\"auditLogsRetentionDays\":20}", changed);
    }

    [Fact]
    public async Task Setting_the_organizations_retention_refuses_bad_days_and_members_without_settings_edit()
    {
        var (_, _, token) = await OtherOrg.CreateAsync(fx.Server);
        const string path = "/api/v1/organization/audit-logs-retention";
        Expect.Validation(await fx.Api.SendAsync(HttpMethod.Put, path, new { auditLogsRetentionDays = -1 }, token),
            Issue.TooSmall(["auditLogsRetentionDays"], "number", 0, "Number must be greater than or equal to 0"));
        Expect.Validation(await fx.Api.SendAsync(HttpMethod.Put, path, new { auditLogsRetentionDays = 36_501 }, token),
            Issue.TooBig(["auditLogsRetentionDays"], "number", 36_500, "Number must be less than or equal to 36500"));
        Expect.Validation(await fx.Api.SendAsync(HttpMethod.Put, path, new { }, token), Issue.Required(["auditLogsRetentionDays"], "integer"));
        var (_, memberToken) = await fx.Given.IdentityWithTokenAsync("member");
        Expect.Error(await fx.Api.SendAsync(HttpMethod.Put, path, new { auditLogsRetentionDays = 1 }, memberToken), 403, "PermissionDenied",
            "You are not allowed to edit on settings", allowDetails: true);
        // A custom role that may read the settings reads the retention, and still may not change it.
        await CustomOrgRoles.CreateAsync(fx, "settings-reader", new Coffer.Server.Permissions.PermissionRule("settings", ["read"]));
        var (_, readerToken) = await fx.Given.IdentityWithTokenAsync("settings-reader");
        Assert.Equal(Retention(0), Body(await fx.Api.GetAsync(path, readerToken)));
        Expect.Error(await fx.Api.SendAsync(HttpMethod.Put, path, new { auditLogsRetentionDays = 1 }, readerToken), 403, "PermissionDenied",
            "You are not allowed to edit on settings", allowDetails: true);
        Assert.Equal(Retention(0), Body(await fx.Api.GetAsync(path, fx.AdminToken)));
    }

    private static string Retention(int days) => $"{{\"auditLogsRetentionDays\":{days},\"defaultAuditLogsRetentionDays\":90}}";

    private static string Body(ApiResponse r)
    {
        Expect.Ok(r);
        return r.RawBody;
    }

    [Fact]
    public async Task While_another_instance_holds_the_claim_nothing_is_pruned()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        await InsertAsync(null, 3, 100, $"claimed-{tag}");
        var now = UnixMs.Now(fx.Server.Clock);
        Assert.True(await Db.WriteAsync((conn, tx) => AuditRetentionStore.ClaimAsync(conn, tx, "audit-retention", "another-instance", now, now + 600_000),
            TestContext.Current.CancellationToken));
        try
        {
            var pruner = fx.Server.Services.GetRequiredService<AuditRetentionPruner>();
            Assert.Null(await pruner.PruneOnceAsync(TestContext.Current.CancellationToken));
            Assert.Equal(3, await CountAsync($"claimed-{tag}"));
        }
        finally
        {
            await Db.WriteAsync((conn, tx) => AuditRetentionStore.ReleaseAsync(conn, tx, "audit-retention", "another-instance"), TestContext.Current.CancellationToken);
        }
        Assert.NotNull(await fx.Server.Services.GetRequiredService<AuditRetentionPruner>().PruneOnceAsync(TestContext.Current.CancellationToken));
        Assert.Equal(0, await CountAsync($"claimed-{tag}"));
    }
}
