using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Hardening;

/// <summary>
/// Issue 7.5: credentials used across the API never show up in plaintext in the server log, in what other actors can
/// read (including the audit log), or in the database file.
/// </summary>
public sealed class NoLeakTests
{
    [Fact]
    public async Task Password_client_secret_and_access_token_appear_nowhere_else()
    {
        await using var server = await TestServer.StartAsync();
        var api = new Api(server.Http);
        var password = "canary-password-" + Guid.NewGuid().ToString("N");
        var boot = await api.PostAsync("/api/v1/admin/bootstrap", new { email = "leak@example.com", password, organization = "Leak Org" });
        Expect.Ok(boot);
        var admin = boot.Json["identity"]!["credentials"]!["token"]!.GetValue<string>();
        var orgId = boot.Json["organization"]!["id"]!.GetValue<string>();

        var identityId = (await api.PostAsync("/api/v1/identities", new { name = "victim", organizationId = orgId, role = "member" }, admin)).Json["identity"]!["id"]!.GetValue<string>();
        var clientId = (await api.PostAsync($"/api/v1/auth/universal-auth/identities/{identityId}", new { }, admin)).Json["identityUniversalAuth"]!["clientId"]!.GetValue<string>();
        var secret = (await api.PostAsync($"/api/v1/auth/universal-auth/identities/{identityId}/client-secrets", new { description = "canary" }, admin)).Json["clientSecret"]!.GetValue<string>();
        var login = await api.PostAsync("/api/v1/auth/universal-auth/login", new { clientId, clientSecret = secret });
        var token = login.Json["accessToken"]!.GetValue<string>();
        Expect.Ok(await api.PostAsync("/api/v1/auth/universal-auth/login", new { clientId, clientSecret = secret + "x" }).ContinueWith(_ => login));
        var projectId = (await api.PostAsync("/api/v1/projects", new { projectName = "leaky" }, token)).Json["project"]!["id"]!.GetValue<string>();
        Expect.Ok(await api.GetAsync($"/api/v1/projects/{projectId}", token));
        Expect.Ok(await api.PostAsync("/api/v1/auth/token/renew", new { accessToken = token }));

        // What another actor (the org admin) can read about the victim.
        var observed = new List<string>
        {
            (await api.GetAsync($"/api/v1/identities/{identityId}", admin)).RawBody,
            (await api.GetAsync($"/api/v1/identities?orgId={orgId}", admin)).RawBody,
            (await api.GetAsync($"/api/v1/auth/universal-auth/identities/{identityId}", admin)).RawBody,
            (await api.GetAsync($"/api/v1/auth/universal-auth/identities/{identityId}/client-secrets", admin)).RawBody,
            (await api.GetAsync("/api/v1/organization/audit-logs?limit=1000", admin)).RawBody,
            (await api.GetAsync($"/api/v1/organization/audit-logs?projectId={projectId}", token)).RawBody,
        };
        var canaries = new[] { password, secret, token, admin };
        foreach (var body in observed)
            foreach (var canary in canaries)
                Assert.DoesNotContain(canary, body);

        var log = server.Logs.All;
        foreach (var canary in canaries) Assert.DoesNotContain(canary, log);
        await DatabaseBytes.AssertAbsentAsync(server, canaries);
        TestReport.Write("no leaks", $"{canaries.Length} canaries absent from {observed.Count} responses of other actors, {server.Logs.Lines.Count} log lines and the database");
    }
}
