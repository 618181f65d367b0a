using System.Text.Json.Nodes;
using Coffer.IntegrationTests.Infrastructure;
using Coffer.Server.Features.AuditLogs;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.IntegrationTests.Secrets;

/// <summary>
/// Read events go through the batcher's own insert (on SQLite a hand-bound statement), changes through the write
/// transaction's: both must put every field in its column, so a read event reads back like a change event.
/// </summary>
public sealed class ReadAuditTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private Api Api => fx.Api;

    [Fact]
    public async Task A_batched_read_event_reads_back_with_every_field_where_a_change_event_has_it()
    {
        var p = await fx.Given.TestProjectAsync();
        var created = await SecretKeys.CreateAsync(Api, fx.AdminToken, p.Id, "AUDITED", "v");
        var read = await Api.GetAsync($"/api/v3/secrets/raw/AUDITED?workspaceId={p.Id}&environment=dev", fx.AdminToken);
        Expect.Ok(read);
        await fx.Server.Services.GetRequiredService<AuditBatcher>().FlushAsync();

        var r = await Api.GetAsync($"/api/v1/organization/audit-logs?projectId={p.Id}&eventType=get-secret,create-secret", fx.AdminToken);
        Expect.Ok(r);
        var logs = r.Json["auditLogs"]!.AsArray();
        Assert.Equal(["get-secret", "create-secret"], logs.Select(l => l!["event"]!["type"]!.GetValue<string>()).ToArray());
        var (readEvent, change) = (logs[0]!, logs[1]!);

        var secretId = created["id"]!.GetValue<string>();
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse($$"""{"environment":"dev","secretPath":"/","secretId":"{{secretId}}","secretKey":"AUDITED","secretVersion":1}"""),
            readEvent["event"]!["metadata"]), readEvent["event"]!["metadata"]!.ToJsonString());
        Assert.Equal(p.Id, readEvent["projectId"]!.GetValue<string>());
        Assert.Equal(fx.Given.OrgId, readEvent["orgId"]!.GetValue<string>());
        Assert.Equal("identity", readEvent["actor"]!["type"]!.GetValue<string>());
        foreach (var field in new[] { "ipAddress", "userAgent", "userAgentType", "orgId", "projectId" })
            Assert.Equal(change[field]?.ToJsonString(), readEvent[field]?.ToJsonString());
        Assert.True(JsonNode.DeepEquals(change["actor"], readEvent["actor"]), readEvent["actor"]!.ToJsonString());
        Assert.NotNull(readEvent["ipAddress"]);
        Assert.NotNull(readEvent["userAgentType"]);
    }
}
