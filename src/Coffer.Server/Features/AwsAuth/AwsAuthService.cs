using System.Text.Json.Nodes;
using Coffer.Server.Data;
using Coffer.Server.Diagnostics;
using Coffer.Server.Features.AccessTokens;
using Coffer.Server.Features.AuditLogs;
using Coffer.Server.Features.Identities;
using Coffer.Server.Features.Organizations;
using Coffer.Server.Http.Auth;
using Coffer.Server.Http.Outbound;
using Coffer.Server.Permissions;

namespace Coffer.Server.Features.AwsAuth;

/// <summary>
/// AWS IAM auth (Infisical's identity-aws-auth service): the client signs <c>sts:GetCallerIdentity</c> with its own AWS
/// credentials; STS answers with the caller's ARN and account (<see cref="StsCallerIdentity"/>), which must be among
/// the allowed accounts and principal ARNs. Configuration as the other auth methods'.
/// </summary>
public sealed class AwsAuthService(
    Db db, AuthMethodConfigurations configurations, IdentityLogins logins, StsCallerIdentity sts, GuardedHttp outbound) : IAuthMethodConfigurationService<AwsAuthSettings>
{
    private const string NotConfigured = "AWS auth method not found for identity, did you configure AWS auth?";

    private static readonly AuthMethodTable<AwsAuthRow> Table = new(AuthMethods.AwsAuth, AwsAuthStore.Schema, EventMetadata,
        new AuthMethodMessages("Failed to add AWS auth to identity", "Failed to add AWS Auth to already configured identity", "Failed to update AWS auth",
            "Failed to update AWS Auth", "The identity does not have AWS Auth attached", "Failed to revoke aws auth of identity with more privileged role",
            "The identity does not have aws auth"));

    public async Task<JsonObject> AttachAsync(Actor actor, AuditContext audit, string identityId, AwsAuthSettings s) =>
        AwsAuthJson.From(await configurations.AttachAsync(Table, actor, audit, identityId, s.Tokens, async (_, _) =>
        {
            await RequireReachableAsync(s.StsEndpoint);
            return new AwsAuthRow
            {
                StsEndpoint = s.StsEndpoint ?? StsCallerIdentity.DefaultEndpoint,
                AllowedPrincipalArns = s.AllowedPrincipalArns ?? "",
                AllowedAccountIds = s.AllowedAccountIds ?? "",
            };
        }));

    public async Task<JsonObject> UpdateAsync(Actor actor, AuditContext audit, string identityId, AwsAuthSettings s) =>
        AwsAuthJson.From(await configurations.UpdateAsync(Table, actor, audit, identityId, s.Tokens, _ => RequireReachableAsync(s.StsEndpoint),
            current => current with
            {
                StsEndpoint = s.StsEndpoint ?? current.StsEndpoint,
                AllowedPrincipalArns = s.AllowedPrincipalArns ?? current.AllowedPrincipalArns,
                AllowedAccountIds = s.AllowedAccountIds ?? current.AllowedAccountIds,
            }));

    public async Task<JsonObject> GetAsync(Actor actor, AuditContext audit, string identityId) =>
        AwsAuthJson.From(await configurations.GetAsync(Table, actor, audit, identityId));

    /// <summary>Removes the configuration and revokes every token it issued, on every instance at their next request.</summary>
    public async Task<JsonObject> RevokeAsync(Actor actor, AuditContext audit, string identityId) =>
        AwsAuthJson.From(await configurations.RevokeAsync(Table, actor, audit, identityId));

    public async Task<LoginResponse> LoginAsync(string identityId, SignedStsRequest signed, AuditContext audit)
    {
        var config = await db.ReadAsync(conn => AwsAuthStore.FindByIdentityAsync(conn, identityId))
            ?? throw new NotFoundException(NotConfigured);
        var caller = await sts.AskAsync(signed, config.StsEndpoint, CancellationToken.None);
        if (config.AllowedAccountIds.Length > 0 && !config.AllowedAccountIds.Split(',').Select(a => a.Trim()).Contains(caller.Account))
            throw new UnauthorizedException("Access denied: AWS account ID not allowed.");
        if (config.AllowedPrincipalArns.Length > 0 && !AwsPrincipals.Allowed(config.AllowedPrincipalArns, caller.Arn))
            throw new UnauthorizedException($"Access denied: AWS principal ARN not allowed. [principal-arn={AwsPrincipals.Principal(caller.Arn)}]");
        return await logins.IssueAsync(config.IdentityId, AuthMethods.AwsAuth, NotConfigured,
            async (conn, tx) => await AwsAuthStore.FindByIdentityAsync(conn, identityId, tx) is { } current
                ? new TokenPolicy(current.AccessTokenTtl, current.AccessTokenMaxTtl, current.AccessTokenNumUsesLimit, 0)
                : null,
            audit, "login-identity-aws-auth", tokenId => new JsonObject
            {
                ["identityId"] = config.IdentityId,
                ["identityAccessTokenId"] = tokenId,
                ["identityAwsAuthId"] = config.Id,
                ["arn"] = caller.Arn,
                ["accountId"] = caller.Account,
            }, TokenAuthInfo.Aws(caller.Account, caller.Arn, caller.UserId));
    }

    private async Task RequireReachableAsync(string? stsEndpoint)
    {
        if (stsEndpoint is not null && !string.Equals(stsEndpoint, StsCallerIdentity.DefaultEndpoint, StringComparison.OrdinalIgnoreCase))
            await outbound.RequireAllowedAsync(new Uri(stsEndpoint), CancellationToken.None);
    }

    private static JsonObject EventMetadata(AwsAuthRow r) => new()
    {
        ["identityId"] = r.IdentityId,
        ["stsEndpoint"] = r.StsEndpoint,
        ["allowedPrincipalArns"] = r.AllowedPrincipalArns,
        ["allowedAccountIds"] = r.AllowedAccountIds,
        ["accessTokenTTL"] = r.AccessTokenTtl,
        ["accessTokenMaxTTL"] = r.AccessTokenMaxTtl,
        ["accessTokenTrustedIps"] = JsonNode.Parse(r.AccessTokenTrustedIps),
        ["accessTokenNumUsesLimit"] = r.AccessTokenNumUsesLimit,
    };
}
