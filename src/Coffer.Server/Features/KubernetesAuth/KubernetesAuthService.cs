using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Coffer.Server.Crypto;
using Coffer.Server.Data;
using Coffer.Server.Diagnostics;
using Coffer.Server.Features.AccessTokens;
using Coffer.Server.Features.AuditLogs;
using Coffer.Server.Features.Identities;
using Coffer.Server.Features.Organizations;
using Coffer.Server.Http.Auth;
using Coffer.Server.Http.Outbound;
using Coffer.Server.Permissions;

namespace Coffer.Server.Features.KubernetesAuth;

/// <summary>
/// Kubernetes auth (Infisical's identity-kubernetes-auth service, its API review mode): the pod's service-account
/// token goes to the cluster's <c>TokenReview</c> API — authorized by the stored reviewer JWT, or by the pod's own
/// token when none is stored — and the reviewed service account must be in the allowed namespaces and names, with the
/// allowed audience. Configuration as the other auth methods'.
/// </summary>
public sealed class KubernetesAuthService(
    Db db, AuthMethodConfigurations configurations, IdentityLogins logins, GuardedHttp outbound, IServiceProvider services) : IAuthMethodConfigurationService<KubernetesAuthSettings>
{
    private const string NotConfigured = "Kubernetes auth method not found for identity, did you configure Kubernetes auth?";

    // Resolved on first use, not with the service: the cipher's key is created in the database the first time, and a
    // request refused before anything is sealed must leave the database as it was.
    private CredentialCipher Credentials => services.GetRequiredService<CredentialCipher>();

    private const string ReviewerField = "token-reviewer-jwt";

    private static readonly AuthMethodTable<KubernetesAuthRow> Table = new(AuthMethods.KubernetesAuth, KubernetesAuthStore.Schema, EventMetadata,
        new AuthMethodMessages("Failed to add Kubernetes auth to identity", "Failed to add Kubernetes Auth to already configured identity",
            "Failed to update Kubernetes auth", "Failed to update Kubernetes Auth", "The identity does not have Kubernetes Auth attached",
            "Failed to revoke Kubernetes auth of identity with more privileged role", "The identity does not have kubernetes auth"));

    public async Task<JsonObject> AttachAsync(Actor actor, AuditContext audit, string identityId, KubernetesAuthSettings s) =>
        KubernetesAuthJson.From(await configurations.AttachAsync(Table, actor, audit, identityId, s.Tokens, async (_, id) =>
        {
            await outbound.RequireAllowedAsync(HostUrl(s.KubernetesHost!), CancellationToken.None);
            return new KubernetesAuthRow
            {
                KubernetesHost = s.KubernetesHost!,
                CaCert = s.CaCert ?? "",
                EncryptedTokenReviewerJwt = string.IsNullOrEmpty(s.TokenReviewerJwt) ? null : Credentials.Seal(id, ReviewerField, s.TokenReviewerJwt),
                AllowedNamespaces = s.AllowedNamespaces ?? "",
                AllowedNames = s.AllowedNames ?? "",
                AllowedAudience = s.AllowedAudience ?? "",
            };
        }));

    public async Task<JsonObject> UpdateAsync(Actor actor, AuditContext audit, string identityId, KubernetesAuthSettings s)
    {
        CredentialCipher? cipher = null;
        return KubernetesAuthJson.From(await configurations.UpdateAsync(Table, actor, audit, identityId, s.Tokens,
            async _ =>
            {
                if (s.KubernetesHost is not null) await outbound.RequireAllowedAsync(HostUrl(s.KubernetesHost), CancellationToken.None);
                // Outside the write unit: the first use creates the cipher's key, a write of its own.
                if (s.TokenReviewerJwt is { Length: > 0 }) cipher = Credentials;
            },
            current =>
            {
                // A new host without a new reviewer JWT would send the stored one to wherever the editor points.
                if (s.KubernetesHost is not null && s.KubernetesHost != current.KubernetesHost && s.TokenReviewerJwt is null
                    && current.EncryptedTokenReviewerJwt is not null)
                    throw new BadRequestException("Changing the Kubernetes host requires the token reviewer JWT to be given again");
                return current with
                {
                    KubernetesHost = s.KubernetesHost ?? current.KubernetesHost,
                    CaCert = s.CaCert ?? current.CaCert,
                    EncryptedTokenReviewerJwt = s.TokenReviewerJwt is null ? current.EncryptedTokenReviewerJwt
                        : cipher is null ? null : cipher.Seal(current.Id, ReviewerField, s.TokenReviewerJwt),
                    AllowedNamespaces = s.AllowedNamespaces ?? current.AllowedNamespaces,
                    AllowedNames = s.AllowedNames ?? current.AllowedNames,
                    AllowedAudience = s.AllowedAudience ?? current.AllowedAudience,
                };
            }));
    }

    public async Task<JsonObject> GetAsync(Actor actor, AuditContext audit, string identityId) =>
        KubernetesAuthJson.From(await configurations.GetAsync(Table, actor, audit, identityId));

    /// <summary>Removes the configuration and revokes every token it issued, on every instance at their next request.</summary>
    public async Task<JsonObject> RevokeAsync(Actor actor, AuditContext audit, string identityId) =>
        KubernetesAuthJson.From(await configurations.RevokeAsync(Table, actor, audit, identityId), withCaCert: false);

    public async Task<LoginResponse> LoginAsync(string identityId, string jwt, AuditContext audit)
    {
        var config = await db.ReadAsync(conn => KubernetesAuthStore.FindByIdentityAsync(conn, identityId))
            ?? throw new NotFoundException(NotConfigured);
        var (ns, name) = await ReviewAsync(config, jwt);
        return await logins.IssueAsync(config.IdentityId, AuthMethods.KubernetesAuth, NotConfigured,
            async (conn, tx) => await KubernetesAuthStore.FindByIdentityAsync(conn, identityId, tx) is { } current
                ? new TokenPolicy(current.AccessTokenTtl, current.AccessTokenMaxTtl, current.AccessTokenNumUsesLimit, 0)
                : null,
            audit, "login-identity-kubernetes-auth", tokenId => new JsonObject
            {
                ["identityId"] = config.IdentityId,
                ["identityAccessTokenId"] = tokenId,
                ["identityKubernetesAuthId"] = config.Id,
                ["namespace"] = ns,
                ["name"] = name,
            }, TokenAuthInfo.Kubernetes(ns, name));
    }

    /// <summary>The reviewed service account's namespace and name, once the cluster vouched for the token and the bounds hold.</summary>
    private async Task<(string Namespace, string Name)> ReviewAsync(KubernetesAuthRow config, string jwt)
    {
        var reviewer = config.EncryptedTokenReviewerJwt is { } sealedJwt ? Credentials.Open(config.Id, ReviewerField, sealedJwt) : jwt;
        var spec = new JsonObject { ["token"] = jwt };
        if (config.AllowedAudience.Length > 0) spec["audiences"] = new JsonArray(config.AllowedAudience);
        var body = new JsonObject { ["apiVersion"] = "authentication.k8s.io/v1", ["kind"] = "TokenReview", ["spec"] = spec };
        var url = new Uri(HostUrl(config.KubernetesHost), "/apis/authentication.k8s.io/v1/tokenreviews");
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", reviewer);
        const string Step = "Reviewing the token with the Kubernetes API server";
        var (status, answer) = await outbound.SendAsync(request, config.CaCert.Length > 0 ? config.CaCert : null, Step, CancellationToken.None);
        if ((int)status is < 200 or > 299)
            throw new BadGatewayException($"{Step} failed: {url.GetLeftPart(UriPartial.Authority)} answered {(int)status}");
        JsonObject? review;
        try
        {
            review = JsonNode.Parse(answer)?["status"] as JsonObject;
        }
        catch (JsonException)
        {
            throw new BadGatewayException($"{Step} failed: the answer is not JSON");
        }
        if (review?["error"] is JsonValue error && error.TryGetValue<string>(out var message) && message.Length > 0)
            throw new UnauthorizedException(message);
        if (!(review?["authenticated"] is JsonValue a && a.TryGetValue<bool>(out var authenticated) && authenticated))
            throw new UnauthorizedException("Kubernetes token not authenticated");
        var username = review["user"]?["username"] is JsonValue u && u.TryGetValue<string>(out var un) ? un : "";
        var parts = username.Split(':');
        if (parts.Length != 4 || parts[0] != "system" || parts[1] != "serviceaccount")
            throw new UnauthorizedException("Access denied: the reviewed token is not a service account's");
        var (ns, name) = (parts[2], parts[3]);
        if (config.AllowedNamespaces.Length > 0 && !Allowed(config.AllowedNamespaces, ns))
            throw new UnauthorizedException("Access denied: K8s namespace not allowed.");
        if (config.AllowedNames.Length > 0 && !Allowed(config.AllowedNames, name))
            throw new UnauthorizedException("Access denied: K8s name not allowed.");
        if (config.AllowedAudience.Length > 0
            && !(review["audiences"] is JsonArray audiences && audiences.Any(x => x is JsonValue v && v.TryGetValue<string>(out var s) && s == config.AllowedAudience)))
            throw new UnauthorizedException("Access denied: K8s audience not allowed.");
        return (ns, name);
    }

    // Infisical's list check: each comma-separated entry matches exactly or as a picomatch glob.
    private static bool Allowed(string list, string value) =>
        list.Split(',').Select(e => e.Trim()).Any(e => e == value || GlobPattern.Get(e).IsMatch(value));

    /// <summary>Infisical's <c>withKubernetesHostScheme</c>: a host given without a scheme is HTTPS.</summary>
    private static Uri HostUrl(string host) =>
        new(host.StartsWith("https://", StringComparison.Ordinal) || host.StartsWith("http://", StringComparison.Ordinal) ? host : "https://" + host);

    private static JsonObject EventMetadata(KubernetesAuthRow r) => new()
    {
        ["identityId"] = r.IdentityId,
        ["kubernetesHost"] = r.KubernetesHost,
        ["allowedNamespaces"] = r.AllowedNamespaces,
        ["allowedNames"] = r.AllowedNames,
        ["allowedAudience"] = r.AllowedAudience,
        ["accessTokenTTL"] = r.AccessTokenTtl,
        ["accessTokenMaxTTL"] = r.AccessTokenMaxTtl,
        ["accessTokenTrustedIps"] = JsonNode.Parse(r.AccessTokenTrustedIps),
        ["accessTokenNumUsesLimit"] = r.AccessTokenNumUsesLimit,
    };
}
