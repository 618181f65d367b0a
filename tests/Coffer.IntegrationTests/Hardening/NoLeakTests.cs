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
        var secretValue = "canary-value-" + Guid.NewGuid().ToString("N");
        var secretComment = "canary-comment-" + Guid.NewGuid().ToString("N");
        Expect.Ok(await api.PostAsync("/api/v3/secrets/raw/DB_PASSWORD", new { workspaceId = projectId, environment = "dev", secretPath = "/", secretValue, secretComment }, token));
        Expect.Ok(await api.PatchAsync("/api/v3/secrets/raw/DB_PASSWORD", new { workspaceId = projectId, environment = "dev", secretPath = "/", secretValue = secretValue + "-2" }, token));
        Expect.Ok(await api.GetAsync($"/api/v3/secrets/raw/DB_PASSWORD?workspaceId={projectId}&environment=dev", token));

        // Data encrypted with a KMS key: the plaintext (and its base64 form, as sent) is no more stored or logged than a secret.
        var kmsPlain = "canary-kms-" + Guid.NewGuid().ToString("N");
        var kmsPlainB64 = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(kmsPlain));
        var kmsKey = await api.PostAsync("/api/v1/kms/keys", new { projectId, name = "leaky-key" }, token);
        Expect.Ok(kmsKey);
        var kmsKeyId = kmsKey.Json["key"]!["id"]!.GetValue<string>();
        var kmsCipher = await api.PostAsync($"/api/v1/kms/keys/{kmsKeyId}/encrypt", new { plaintext = kmsPlainB64 }, token);
        Expect.Ok(kmsCipher);
        Expect.Ok(await api.PostAsync($"/api/v1/kms/keys/{kmsKeyId}/decrypt", new { ciphertext = kmsCipher.Json["ciphertext"]!.GetValue<string>() }, token));

        // A second identity that may see names but not values.
        var peekerId = (await api.PostAsync("/api/v1/identities", new { name = "peeker", organizationId = orgId, role = "member" }, admin)).Json["identity"]!["id"]!.GetValue<string>();
        Expect.Ok(await api.PostAsync($"/api/v1/projects/{projectId}/roles", new
        {
            slug = "names-only",
            name = "Names only",
            permissions = new object[] { new { subject = "secrets", action = new[] { "describeSecret" } }, new { subject = "identity", action = new[] { "read" } } },
        }, token));
        Expect.Ok(await api.PostAsync($"/api/v1/projects/{projectId}/identity-memberships/{peekerId}", new { role = "names-only" }, token));
        var peekerToken = (await api.PostAsync($"/api/v1/auth/token-auth/identities/{peekerId}", new { }, admin)).Code == 200
            ? (await api.PostAsync($"/api/v1/auth/token-auth/identities/{peekerId}/tokens", new { }, admin)).Json["accessToken"]!.GetValue<string>()
            : throw new InvalidOperationException("token auth");
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
            (await api.GetAsync($"/api/v3/secrets/raw?workspaceId={projectId}&environment=dev&viewSecretValue=false", peekerToken)).RawBody,
            (await api.GetAsync($"/api/v1/projects/{projectId}/identity-memberships", peekerToken)).RawBody,
        };
        Assert.Contains("DB_PASSWORD", observed[^2]);
        var canaries = new[] { password, secret, token, admin, secretValue, secretComment, kmsPlain, kmsPlainB64 };
        // Describing a secret shows its name, comment and tags (Infisical's describeSecret); only the value is readValue's.
        var hiddenFromOthers = new[] { password, secret, token, admin, secretValue, kmsPlain, kmsPlainB64 };
        foreach (var body in observed)
            foreach (var canary in hiddenFromOthers)
                Assert.DoesNotContain(canary, body);
        Assert.DoesNotContain(secretComment, string.Join("", observed.Take(observed.Count - 2)));

        var log = server.Logs.All;
        foreach (var canary in canaries) Assert.DoesNotContain(canary, log);
        await DatabaseBytes.AssertAbsentAsync(server, canaries);
        TestReport.Write("no leaks", $"{canaries.Length} canaries absent from {observed.Count} responses of other actors, {server.Logs.Lines.Count} log lines and the database");
    }
}
