using System.Text.Json.Nodes;
using Coffer.Server.Features.AccessTokens;
using Coffer.Server.Features.AuditLogs;
using Coffer.Server.Features.Identities;
using Coffer.Server.Http;
using Coffer.Server.Http.Auth;
using Coffer.Server.Http.Validation;

namespace Coffer.Server.Features.JwtAuth;

/// <summary><c>/api/v1/auth/jwt-auth</c>: log in with a JWT, and attach, read, change and remove an identity's JWT auth.</summary>
public static class JwtAuthEndpoints
{
    public static IServiceCollection AddJwtAuth(this IServiceCollection services) =>
        services.AddSingleton<JwtAuthService>().AddSingleton<JwksKeys>().AddSingleton<Http.Outbound.GuardedHttp>();

    public static void MapJwtAuth(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/auth/jwt-auth/login", async (HttpContext http, JwtAuthService service) =>
        {
            var body = await JsonBody.ReadInputAsync(http.Request);
            var identityId = body.String("identityId", trim: true);
            var jwt = body.String("jwt", trim: true);
            body.String("subOrganizationName", required: false, trim: true);
            body.ThrowIfInvalid();
            return TypedResults.Ok(await service.LoginAsync(identityId!, jwt!, AuditContext.From(http, null)));
        }).WithTags("JWT Auth").WithSummary("Login with JWT Auth");

        app.MapAuthMethodConfiguration<JwtAuthService, JwtAuthSettings>("/api/v1/auth/jwt-auth/identities/{identityId}", "JWT Auth",
            "identityJwtAuth", ReadSettingsAsync);
    }

    /// <summary>
    /// Infisical's body: <c>configurationType</c> decides which of <c>jwksUrl</c> and <c>publicKeys</c> is required;
    /// on attach the bound fields and token settings take their defaults (and <c>boundClaims</c> is required), on
    /// update an absent field stays as it is.
    /// </summary>
    private static async Task<JwtAuthSettings> ReadSettingsAsync(HttpContext http, bool attach)
    {
        var body = await JsonBody.ReadInputAsync(http.Request);
        var type = body.Enum("configurationType", [JwtAuthService.Jwks, JwtAuthService.Static], required: true);
        var jwksUrl = body.String("jwksUrl", required: type == JwtAuthService.Jwks, trim: true);
        if (type == JwtAuthService.Jwks && jwksUrl is not null
            && !(Uri.TryCreate(jwksUrl, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp)))
            body.AddIssue(new ValidationIssue("invalid_string", body.PathOf("jwksUrl"), "Invalid url") { Extra = new JsonObject { ["validation"] = "url" } });
        var jwksCaCert = body.String("jwksCaCert", required: false, trim: true);
        var publicKeys = body.Strings("publicKeys", required: type == JwtAuthService.Static, min: type == JwtAuthService.Static ? 1 : null, itemMin: 1);
        if (publicKeys is not null)
            for (var i = 0; i < publicKeys.Count; i++)
                if (JwtVerifier.ReadKey(publicKeys[i]) is not { } key) body.Fail("Not a PEM public key (SPKI) or certificate with an RSA or EC key", "publicKeys", i);
                else key.Dispose();
        var boundIssuer = body.String("boundIssuer", required: false, trim: true);
        var boundAudiences = body.String("boundAudiences", required: false, trim: true);
        var boundClaims = BoundClaims(body, required: attach);
        var boundSubject = body.String("boundSubject", required: false, trim: true);
        var tokens = TokenSettings.Read(body, withDefaults: attach);
        body.ThrowIfInvalid();
        return new JwtAuthSettings(type!, jwksUrl, jwksCaCert, publicKeys,
            attach ? boundIssuer ?? "" : boundIssuer, boundAudiences is null ? (attach ? "" : null) : JwtPolicy.Format(boundAudiences),
            boundClaims, attach ? boundSubject ?? "" : boundSubject, tokens);
    }

    /// <summary>A record of strings, each normalized as Infisical's ("a,b" becomes "a, b").</summary>
    private static JsonObject? BoundClaims(Input body, bool required)
    {
        var claims = body.Object("boundClaims", required: required);
        if (claims is null || body.Raw("boundClaims") is not JsonObject raw) return null;
        var result = new JsonObject();
        foreach (var (name, _) in raw)
            if (claims.String(name) is { } value) result[name] = JwtPolicy.Format(value);
        return result;
    }
}
