using System.Text.Json.Nodes;

namespace Coffer.IntegrationTests.Infrastructure;

/// <summary>Builds the situations tests start from, through the public API only.</summary>
public sealed class Given(HttpClient http, string adminToken, string orgId, JsonObject bootstrap)
{
    public const string AdminEmail = "admin@example.com";
    public const string AdminPassword = "correct horse battery staple";

    public Api Api { get; } = new(http);
    public string AdminToken { get; } = adminToken;
    public string OrgId { get; } = orgId;
    public JsonObject Bootstrap { get; } = bootstrap;

    public static Task<Given> BootstrapAsync(TestServer server) => BootstrapAsync(server.Http);

    /// <summary>Bootstraps the server (or the cluster of instances) <paramref name="http"/> talks to.</summary>
    public static async Task<Given> BootstrapAsync(HttpClient http)
    {
        var api = new Api(http);
        var r = await api.PostAsync("/api/v1/admin/bootstrap", new { email = AdminEmail, password = AdminPassword, organization = "Acme" });
        Expect.Ok(r);
        return new Given(http, r.Json["identity"]!["credentials"]!["token"]!.GetValue<string>(),
            r.Json["organization"]!["id"]!.GetValue<string>(), r.Json);
    }

    public async Task<string> IdentityAsync(string role = "member", string? name = null, string? token = null)
    {
        var r = await Api.PostAsync("/api/v1/identities",
            new { name = name ?? $"id-{Guid.NewGuid():N}"[..12], organizationId = OrgId, role }, token ?? AdminToken);
        Expect.Ok(r);
        return r.Json["identity"]!["id"]!.GetValue<string>();
    }

    public async Task<(string ClientId, string ClientSecret)> UniversalAuthAsync(string identityId, object? settings = null, object? secret = null)
    {
        var attach = await Api.PostAsync($"/api/v1/auth/universal-auth/identities/{identityId}", settings ?? new { }, AdminToken);
        Expect.Ok(attach);
        var created = await Api.PostAsync($"/api/v1/auth/universal-auth/identities/{identityId}/client-secrets", secret ?? new { }, AdminToken);
        Expect.Ok(created);
        return (attach.Json["identityUniversalAuth"]!["clientId"]!.GetValue<string>(), created.Json["clientSecret"]!.GetValue<string>());
    }

    public async Task<string> LoginAsync(string clientId, string clientSecret)
    {
        var r = await Api.PostAsync("/api/v1/auth/universal-auth/login", new { clientId, clientSecret });
        Expect.Ok(r);
        return r.Json["accessToken"]!.GetValue<string>();
    }

    /// <summary>A new identity with the given org role and a universal-auth token for it.</summary>
    public async Task<(string IdentityId, string Token)> IdentityWithTokenAsync(string role = "member")
    {
        var id = await IdentityAsync(role);
        var (clientId, secret) = await UniversalAuthAsync(id);
        return (id, await LoginAsync(clientId, secret));
    }

    /// <summary>A project created by <paramref name="token"/> (default: the bootstrap admin), who becomes its admin.</summary>
    public async Task<string> ProjectAsync(string? name = null, string? token = null)
    {
        var r = await Api.PostAsync("/api/v1/projects", new { projectName = name ?? $"p-{Guid.NewGuid():N}"[..10] }, token ?? AdminToken);
        Expect.Ok(r);
        return r.Json["project"]!["id"]!.GetValue<string>();
    }

    /// <summary>Adds <paramref name="identityId"/> to the project with one permanent role.</summary>
    public async Task MemberAsync(string projectId, string identityId, string role = "member", string? token = null)
    {
        var r = await Api.PostAsync($"/api/v1/projects/{projectId}/identity-memberships/{identityId}", new { role }, token ?? AdminToken);
        Expect.Ok(r);
    }

    /// <summary>A new identity (org member) with a token, added to the project with <paramref name="role"/>.</summary>
    public async Task<(string IdentityId, string Token)> ProjectMemberAsync(string projectId, string role = "member")
    {
        var (id, token) = await IdentityWithTokenAsync();
        await MemberAsync(projectId, id, role);
        return (id, token);
    }

    /// <summary>A custom project role; returns its id.</summary>
    public async Task<string> RoleAsync(string projectId, string slug, object[] permissions)
    {
        var r = await Api.PostAsync($"/api/v1/projects/{projectId}/roles", new { slug, name = slug, permissions }, AdminToken);
        Expect.Ok(r);
        return r.Json["role"]!["id"]!.GetValue<string>();
    }

    /// <summary>A permanent additional privilege (read secrets) for a project member; returns its id.</summary>
    public async Task<string> PrivilegeAsync(string projectId, string identityId, object[]? permissions = null)
    {
        var r = await Api.PostAsync("/api/v2/identity-project-additional-privilege", new
        {
            identityId,
            projectId,
            permissions = permissions ?? [new { subject = "secrets", action = new[] { "describeSecret" } }],
            type = new { isTemporary = false },
        }, AdminToken);
        Expect.Ok(r);
        return r.Json["privilege"]!["id"]!.GetValue<string>();
    }

    /// <summary>Token auth attached and one token minted.</summary>
    public async Task<string> TokenAuthTokenAsync(string identityId, object? settings = null)
    {
        Expect.Ok(await Api.PostAsync($"/api/v1/auth/token-auth/identities/{identityId}", settings ?? new { }, AdminToken));
        var minted = await Api.PostAsync($"/api/v1/auth/token-auth/identities/{identityId}/tokens", new { name = "t" }, AdminToken);
        Expect.Ok(minted);
        return minted.Json["accessToken"]!.GetValue<string>();
    }
}
