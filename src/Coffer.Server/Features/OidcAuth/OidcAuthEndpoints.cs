using System.Text.Json.Nodes;
using Coffer.Server.Features.AccessTokens;
using Coffer.Server.Features.AuditLogs;
using Coffer.Server.Features.Identities;
using Coffer.Server.Features.JwtAuth;
using Coffer.Server.Http;
using Coffer.Server.Http.Auth;
using Coffer.Server.Http.Validation;

namespace Coffer.Server.Features.OidcAuth;

/// <summary><c>/api/v1/auth/oidc-auth</c>: log in with an OpenID provider's ID token, and attach, read, change and remove an identity's OIDC auth.</summary>
public static class OidcAuthEndpoints
{
    public static IServiceCollection AddOidcAuth(this IServiceCollection services) =>
        services.AddSingleton<OidcAuthService>().AddSingleton<OidcDiscovery>();

    public static void MapOidcAuth(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/auth/oidc-auth/login", async (HttpContext http, OidcAuthService service) =>
        {
            var body = await JsonBody.ReadInputAsync(http.Request);
            var identityId = body.String("identityId", trim: true);
            var jwt = body.String("jwt", trim: true);
            body.String("subOrganizationName", required: false, trim: true);
            body.ThrowIfInvalid();
            return TypedResults.Ok(await service.LoginAsync(identityId!, jwt!, AuditContext.From(http, null)));
        }).WithTags("OIDC Auth").WithSummary("Login with OIDC Auth");

        app.MapAuthMethodConfiguration<OidcAuthService, OidcAuthSettings>("/api/v1/auth/oidc-auth/identities/{identityId}", "OIDC Auth",
            "identityOidcAuth", ReadSettingsAsync);
    }

    /// <summary>Infisical's body: on attach the discovery URL, bound issuer and bound claims are required; on update every field may be absent.</summary>
    private static async Task<OidcAuthSettings> ReadSettingsAsync(HttpContext http, bool attach)
    {
        var body = await JsonBody.ReadInputAsync(http.Request);
        var discoveryUrl = body.String("oidcDiscoveryUrl", required: attach, min: 1);
        if (discoveryUrl is not null
            && !(Uri.TryCreate(discoveryUrl, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp)))
            body.AddIssue(new ValidationIssue("invalid_string", body.PathOf("oidcDiscoveryUrl"), "Invalid url") { Extra = new JsonObject { ["validation"] = "url" } });
        var caCert = body.String("caCert", required: false, trim: true);
        var boundIssuer = body.String("boundIssuer", required: attach, min: 1);
        var boundAudiences = body.String("boundAudiences", required: false, trim: true);
        var boundClaims = Record(body, "boundClaims", required: attach);
        var mapping = Record(body, "claimMetadataMapping", required: false);
        var boundSubject = body.String("boundSubject", required: false);
        var tokens = TokenSettings.Read(body, withDefaults: attach);
        if (attach) tokens.RefineTtl(body);
        body.ThrowIfInvalid();
        return new OidcAuthSettings(discoveryUrl, caCert, boundIssuer, boundAudiences is null ? (attach ? "" : null) : JwtPolicy.Format(boundAudiences),
            boundClaims, mapping, attach ? boundSubject ?? "" : boundSubject, tokens);
    }

    /// <summary>A record of strings, each normalized as Infisical's ("a,b" becomes "a, b").</summary>
    private static JsonObject? Record(Input body, string name, bool required)
    {
        var record = body.Object(name, required: required);
        if (record is null || body.Raw(name) is not JsonObject raw) return null;
        var result = new JsonObject();
        foreach (var (key, _) in raw)
            if (record.String(key) is { } value) result[key] = JwtPolicy.Format(value);
        return result;
    }
}
