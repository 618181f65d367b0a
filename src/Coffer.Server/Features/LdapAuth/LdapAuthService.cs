using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Coffer.Server.Crypto;
using Coffer.Server.Data;
using Coffer.Server.Diagnostics;
using Coffer.Server.Features.AccessTokens;
using Coffer.Server.Features.AuditLogs;
using Coffer.Server.Features.Identities;
using Coffer.Server.Features.UniversalAuth;
using Coffer.Server.Http.Auth;
using Coffer.Server.Http.Outbound;
using Coffer.Server.Permissions;

namespace Coffer.Server.Features.LdapAuth;

/// <summary>
/// LDAP auth (Infisical's identity-ldap-auth service): a machine logs in with a directory user's name and password;
/// Coffer finds the user with the configured filter, binds as them with the password, and checks the allowed fields.
/// Failed attempts count per identity and username, and lock that pair out as Infisical's lockout settings say.
/// Configuration as the other auth methods', with Infisical's connection test when it is saved.
/// </summary>
public sealed class LdapAuthService(
    Db db, AuthMethodConfigurations configurations, PermissionService permissions, IdentityAccess identities, IdentityBoundary boundary,
    IdentityLogins logins, TimeProvider time, GuardedHttp outbound, LdapDirectory directory, IServiceProvider services) : IAuthMethodConfigurationService<LdapAuthSettings>
{
    private const string BindPassField = "bind-pass";
    private const string ConnectionFailed =
        "Failed to connect to LDAP server. Please ensure that the LDAP server is running and your credentials are correct.";

    // Resolved on first use, not with the service: the cipher's key is created in the database the first time, and a
    // request refused before anything is sealed must leave the database as it was.
    private CredentialCipher Credentials => services.GetRequiredService<CredentialCipher>();

    private static readonly AuthMethodTable<LdapAuthRow> Table = new(AuthMethods.LdapAuth, LdapAuthStore.Schema, EventMetadata,
        new AuthMethodMessages("Failed to add LDAP auth to identity", "Failed to add LDAP Auth to already configured identity", "Failed to update LDAP auth",
            "The identity does not have LDAP Auth attached", "The identity does not have LDAP Auth attached",
            "Failed to revoke LDAP auth of identity with more privileged role", "The identity does not have LDAP Auth attached",
            UpdateMissingIsNotFound: true));

    public async Task<JsonObject> AttachAsync(Actor actor, AuditContext audit, string identityId, LdapAuthSettings s) =>
        LdapAuthJson.From(await configurations.AttachAsync(Table, actor, audit, identityId, s.Tokens, async (_, id) =>
        {
            if (string.IsNullOrEmpty(s.BindDn) || string.IsNullOrEmpty(s.BindPass) || string.IsNullOrEmpty(s.SearchBase) || string.IsNullOrEmpty(s.Url))
                throw new BadRequestException("Invalid request. Missing bind DN, bind pass, search base, or URL.");
            await RequireReachableAsync(new LdapServer(s.Url, s.BindDn, s.BindPass, s.CaCert));
            return new LdapAuthRow
            {
                Url = s.Url,
                BindDn = s.BindDn,
                EncryptedBindPass = Credentials.Seal(id, BindPassField, s.BindPass),
                CaCert = s.CaCert ?? "",
                SearchBase = s.SearchBase,
                SearchFilter = s.SearchFilter ?? LdapFilter.Default,
                AllowedFields = LdapAuthJson.Serialize(s.AllowedFields),
                LockoutEnabled = s.Lockout.Enabled ?? LockoutSettings.DefaultEnabled,
                LockoutThreshold = s.Lockout.Threshold ?? LockoutSettings.DefaultThreshold,
                LockoutDurationSeconds = s.Lockout.DurationSeconds ?? LockoutSettings.DefaultDurationSeconds,
                LockoutCounterResetSeconds = s.Lockout.CounterResetSeconds ?? LockoutSettings.DefaultCounterResetSeconds,
            };
        }));

    public async Task<JsonObject> UpdateAsync(Actor actor, AuditContext audit, string identityId, LdapAuthSettings s)
    {
        LdapServer? server = null;
        CredentialCipher? cipher = null;
        return LdapAuthJson.From(await configurations.UpdateAsync(Table, actor, audit, identityId, s.Tokens,
            async current =>
            {
                // A new URL without the bind password again would send the stored password wherever the editor points.
                if (s.Url is not null && s.Url != current.Url && s.BindPass is null)
                    throw new BadRequestException("Changing the LDAP URL requires the bind password to be given again");
                cipher = Credentials;
                var bindPass = s.BindPass ?? cipher.Open(current.Id, BindPassField, current.EncryptedBindPass);
                server = new LdapServer(s.Url ?? current.Url, s.BindDn ?? current.BindDn, bindPass, s.CaCert ?? current.CaCert);
                await RequireReachableAsync(server);
            },
            current => current with
            {
                Url = server!.Url,
                BindDn = server.BindDn,
                EncryptedBindPass = s.BindPass is null ? current.EncryptedBindPass : cipher!.Seal(current.Id, BindPassField, s.BindPass),
                CaCert = server.CaPem ?? "",
                SearchBase = s.SearchBase ?? current.SearchBase,
                SearchFilter = s.SearchFilter ?? current.SearchFilter,
                AllowedFields = s.AllowedFields is null ? current.AllowedFields : LdapAuthJson.Serialize(s.AllowedFields),
                LockoutEnabled = s.Lockout.Enabled ?? current.LockoutEnabled,
                LockoutThreshold = s.Lockout.Threshold ?? current.LockoutThreshold,
                LockoutDurationSeconds = s.Lockout.DurationSeconds ?? current.LockoutDurationSeconds,
                LockoutCounterResetSeconds = s.Lockout.CounterResetSeconds ?? current.LockoutCounterResetSeconds,
            }));
    }

    public async Task<JsonObject> GetAsync(Actor actor, AuditContext audit, string identityId) =>
        LdapAuthJson.From(await configurations.GetAsync(Table, actor, audit, identityId), withBindDetails: true);

    /// <summary>Removes the configuration, its lockouts and every token it issued, on every instance at their next request.</summary>
    public async Task<JsonObject> RevokeAsync(Actor actor, AuditContext audit, string identityId) =>
        LdapAuthJson.From(await configurations.RevokeAsync(Table, actor, audit, identityId,
            (conn, tx, identity) => LockoutStore.ClearAsync(conn, tx, identity, AuthMethods.LdapAuth)));

    public async Task<int> ClearLockoutsAsync(Actor actor, AuditContext audit, string identityId)
    {
        var identity = await identities.FindAsync(actor, identityId);
        (await permissions.ForOrgAsync(actor, identity.OrgId)).Require(PermissionAction.Edit, OrgSubject.Identity);
        await boundary.RequireCanChangeAsync(actor, identity.OrgId, identity.Id, "Failed to clear LDAP auth lockouts");
        var now = UnixMs.Now(time);
        return await db.WriteAsync(async (conn, tx) =>
        {
            if (await LdapAuthStore.FindByIdentityAsync(conn, identity.Id, tx) is null)
                throw new BadRequestException("The identity does not have LDAP Auth attached");
            var deleted = await LockoutStore.ClearAsync(conn, tx, identity.Id, AuthMethods.LdapAuth);
            await AuditLogStore.WriteAsync(conn, tx, audit,
                new AuditEvent("clear-identity-ldap-auth-lockouts", new JsonObject { ["identityId"] = identity.Id }, identity.OrgId), now);
            return deleted;
        });
    }

    public async Task<LoginResponse> LoginAsync(string identityId, string username, string password, AuditContext audit)
    {
        var config = await db.ReadAsync(async conn =>
        {
            var found = await LdapAuthStore.FindByIdentityAsync(conn, identityId);
            if (found is not null) return found;
            if (await IdentityStore.FindAsync(conn, identityId) is null) throw new NotFoundException($"Identity with ID '{identityId}' not found");
            throw new NotFoundException($"LDAP auth with ID '{identityId}' not found");
        });
        var lockoutKey = $"{AuthMethods.LdapAuth}:{config.IdentityId}:{username.ToLowerInvariant()}";
        var claim = LockoutClaim.Allowed;
        if (config.LockoutEnabled)
        {
            var now = UnixMs.Now(time);
            claim = await db.WriteAsync((conn, tx) => LockoutStore.ClaimAttemptAsync(conn, tx, config.IdentityId, AuthMethods.LdapAuth, lockoutKey,
                now, config.LockoutCounterResetSeconds, config.LockoutThreshold, config.LockoutDurationSeconds));
            if (claim == LockoutClaim.Locked) throw Refused("This identity auth method is temporarily locked, please try again later");
        }

        var server = new LdapServer(config.Url, config.BindDn, Credentials.Open(config.Id, BindPassField, config.EncryptedBindPass), config.CaCert);
        LdapUser? user;
        try
        {
            user = await directory.AuthenticateAsync(server, config.SearchBase, LdapFilter.ForUser(config.SearchFilter, username), password);
        }
        catch (BadGatewayException) when (config.LockoutEnabled)
        {
            // The directory could not be asked: the attempt proved nothing, so it does not count towards a lockout.
            await db.WriteAsync((conn, tx) => LockoutStore.ReleaseAttemptAsync(conn, tx, lockoutKey, claim, config.LockoutThreshold, UnixMs.Now(time)));
            throw;
        }
        if (user is null) throw Refused("LDAP authentication failed");
        foreach (var field in LdapAuthJson.Parse(config.AllowedFields))
        {
            if (!user.Attributes.TryGetValue(field.Key, out var values) || values.Length == 0)
                throw Refused($"Invalid request. Missing field {field.Key} on user.");
            if (!values.Any(v => field.Values.Contains(v, StringComparer.Ordinal)))
                throw Refused($"Invalid request. User field '{field.Key}' does not match required fields.");
        }

        return await logins.IssueAsync(config.IdentityId, AuthMethods.LdapAuth, $"LDAP auth with ID '{identityId}' not found",
            async (conn, tx) =>
            {
                if (await LdapAuthStore.FindByIdentityAsync(conn, identityId, tx) is not { } current) return null;
                // The proven attempt forgets the failures before it, as Infisical's lockout does.
                if (current.LockoutEnabled) await LockoutStore.ResetAsync(conn, tx, lockoutKey);
                return new TokenPolicy(current.AccessTokenTtl, current.AccessTokenMaxTtl, current.AccessTokenNumUsesLimit, 0);
            },
            audit, "login-identity-ldap-auth", tokenId => new JsonObject
            {
                ["identityId"] = config.IdentityId,
                ["ldapEmail"] = user.First("mail"),
                ["ldapUsername"] = user.First("uid"),
                ["identityAccessTokenId"] = tokenId,
                ["identityLdapAuthId"] = config.Id,
            });
    }

    private static UnauthorizedException Refused(string message)
    {
        CofferMetrics.Logins.Add(1, new KeyValuePair<string, object?>("outcome", "InvalidCredentials"));
        return new UnauthorizedException(message);
    }

    /// <summary>Infisical's connection test on save: the reader must bind. Internal addresses are refused first, with their own message.</summary>
    private async Task RequireReachableAsync(LdapServer server)
    {
        var url = LdapDirectory.ParseUrl(server.Url) ?? throw new BadRequestException("The LDAP URL must be an ldap:// or ldaps:// URL");
        if (!string.IsNullOrWhiteSpace(server.CaPem)) RequireCertificate(server.CaPem);
        await outbound.RequireAllowedAsync(url, CancellationToken.None);
        if (!await directory.CanBindAsync(server)) throw new BadRequestException(ConnectionFailed);
    }

    private static void RequireCertificate(string pem)
    {
        try
        {
            using var certificate = X509Certificate2.CreateFromPem(pem);
        }
        catch (CryptographicException)
        {
            throw new BadRequestException("Invalid CA Certificate. Expected a PEM-encoded X.509 certificate.");
        }
    }

    private static JsonObject EventMetadata(LdapAuthRow r) => new()
    {
        ["identityId"] = r.IdentityId,
        ["url"] = r.Url,
        ["accessTokenMaxTTL"] = r.AccessTokenMaxTtl,
        ["accessTokenTTL"] = r.AccessTokenTtl,
        ["accessTokenNumUsesLimit"] = r.AccessTokenNumUsesLimit,
        ["accessTokenTrustedIps"] = JsonNode.Parse(r.AccessTokenTrustedIps),
        ["allowedFields"] = r.AllowedFields is null ? null : JsonNode.Parse(r.AllowedFields),
        ["templateId"] = null,
        ["lockoutEnabled"] = r.LockoutEnabled,
        ["lockoutThreshold"] = r.LockoutThreshold,
        ["lockoutDurationSeconds"] = r.LockoutDurationSeconds,
        ["lockoutCounterResetSeconds"] = r.LockoutCounterResetSeconds,
    };
}
