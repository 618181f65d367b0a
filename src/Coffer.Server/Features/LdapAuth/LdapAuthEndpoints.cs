using System.Text.Json.Nodes;
using Coffer.Server.Features.AccessTokens;
using Coffer.Server.Features.AuditLogs;
using Coffer.Server.Features.Identities;
using Coffer.Server.Http;
using Coffer.Server.Http.Auth;
using Coffer.Server.Http.Validation;

namespace Coffer.Server.Features.LdapAuth;

/// <summary><c>/api/v1/auth/ldap-auth</c>: log in with a directory user's name and password, and attach, read, change and remove an identity's LDAP auth.</summary>
public static class LdapAuthEndpoints
{
    private const int MaxCredentialLength = 1024;

    public static IServiceCollection AddLdapAuth(this IServiceCollection services) =>
        services.AddSingleton<LdapAuthService>().AddSingleton<LdapDirectory>();

    public static void MapLdapAuth(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/auth/ldap-auth/login", async (HttpContext http, LdapAuthService service) =>
        {
            var body = await JsonBody.ReadInputAsync(http.Request);
            var identityId = body.String("identityId", trim: true);
            if (identityId is not null && !Guid.TryParseExact(identityId, "D", out _))
                body.AddIssue(new ValidationIssue("invalid_string", body.PathOf("identityId"), "Identity ID must be a valid UUID")
                {
                    Extra = new JsonObject { ["validation"] = "uuid" },
                });
            var username = body.String("username", trim: true, max: MaxCredentialLength);
            if (username is { Length: 0 }) body.AddIssue(Input.SizeIssue(body.PathOf("username"), "too_small", "minimum", 1, "string", "Username is required"));
            // Not trimmed: spaces around a password are part of it. Blank is refused — LDAP reads an empty password as an anonymous bind.
            var password = body.String("password", max: MaxCredentialLength);
            if (password is not null && password.Trim().Length == 0)
                body.AddIssue(Input.SizeIssue(body.PathOf("password"), "too_small", "minimum", 1, "string", "Password is required"));
            body.String("organizationSlug", required: false, trim: true);
            body.ThrowIfInvalid();
            return TypedResults.Ok(await service.LoginAsync(identityId!, username!, password!, AuditContext.From(http, null)));
        }).WithTags("LDAP Auth").WithSummary("Login with LDAP Auth");

        var identity = app.MapAuthMethodConfiguration<LdapAuthService, LdapAuthSettings>("/api/v1/auth/ldap-auth/identities/{identityId}", "LDAP Auth",
            "identityLdapAuth", ReadSettingsAsync);

        identity.MapPost("/clear-lockouts", async (HttpContext http, string identityId, LdapAuthService service) =>
        {
            var actor = http.GetActor();
            var deleted = await service.ClearLockoutsAsync(actor, AuditContext.From(http, actor), identityId.Trim());
            return Results.Json(new JsonObject { ["deleted"] = deleted }, ApiJson.Options);
        }).WithSummary("Clear LDAP Auth Lockouts");
    }

    /// <summary>
    /// Infisical's manual configuration body: <c>url</c>, <c>bindDN</c>, <c>bindPass</c> and <c>searchBase</c> (required on
    /// attach), <c>searchFilter</c> (default <c>(uid={{username}})</c>, a valid RFC 4515 filter), <c>allowedFields</c>,
    /// <c>ldapCaCertificate</c>, token and lockout settings. Coffer has no auth templates, so <c>templateId</c> is refused.
    /// </summary>
    private static async Task<LdapAuthSettings> ReadSettingsAsync(HttpContext http, bool attach)
    {
        var body = await JsonBody.ReadInputAsync(http.Request);
        if (body.Has("templateId") && body.Raw("templateId") is not null)
            body.Fail("Coffer has no machine identity auth templates; give url, bindDN, bindPass and searchBase instead", "templateId");
        var url = body.String("url", required: attach, trim: true, min: attach ? null : 1);
        if (url is { Length: > 0 } && LdapDirectory.ParseUrl(url) is null) body.Fail("The LDAP URL must be an ldap:// or ldaps:// URL", "url");
        var bindDn = body.String("bindDN", required: attach, trim: true, min: attach ? null : 1);
        var bindPass = body.String("bindPass", required: attach, min: attach ? null : 1, max: MaxCredentialLength);
        var searchBase = body.String("searchBase", required: attach, trim: true, min: attach ? null : 1);
        var searchFilter = body.String("searchFilter", required: false, trim: true, min: 1, fallback: attach ? LdapFilter.Default : null);
        if (searchFilter is { Length: > 0 } && !LdapFilter.IsValid(searchFilter)) body.Fail("Invalid LDAP search filter", "searchFilter");
        var allowedFields = body.Objects("allowedFields")?.Select(f =>
        {
            var key = f.String("key", trim: true) ?? "";
            var value = f.String("value", trim: true) ?? "";
            return new LdapAllowedField(key, string.Concat(value.Where(c => !char.IsWhiteSpace(c))));
        }).ToList();
        var caCert = body.String("ldapCaCertificate", required: false, trim: true);
        var tokens = TokenSettings.Read(body, withDefaults: attach);
        var settings = new LdapAuthSettings(url, bindDn, bindPass, caCert, searchBase, searchFilter, allowedFields,
            tokens,
            LockoutSettings.Read(body, withDefaults: attach));
        tokens.RefineTtl(body);
        body.ThrowIfInvalid();
        return settings;
    }
}
