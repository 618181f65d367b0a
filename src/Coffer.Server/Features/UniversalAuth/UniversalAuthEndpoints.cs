using Coffer.Server.Features.AccessTokens;
using Coffer.Server.Features.AuditLogs;
using Coffer.Server.Http;
using Coffer.Server.Http.Auth;
using Coffer.Server.Http.RateLimiting;
using Coffer.Server.Http.Validation;

namespace Coffer.Server.Features.UniversalAuth;

public static class UniversalAuthEndpoints
{
    public static void MapUniversalAuth(this IEndpointRouteBuilder app)
    {
        var ua = app.MapGroup("/api/v1/auth/universal-auth").WithTags("Universal Auth");

        ua.MapPost("/login", async (HttpContext http, UniversalAuthLogin login, ClientIp clientIp) =>
        {
            var body = await JsonBody.ReadInputAsync(http.Request);
            var clientId = body.String("clientId", trim: true);
            var clientSecret = body.String("clientSecret", trim: true);
            body.String("subOrganizationName", required: false, trim: true);
            body.ThrowIfInvalid();
            return TypedResults.Ok(await login.LoginAsync(clientId!, clientSecret!, clientIp.Resolve(http), AuditContext.From(http, null)));
        }).WithSummary("Login with Universal Auth").WithRateLimit(RateLimitPolicy.Auth);

        var identities = ua.MapGroup("/identities/{identityId}").RequireActor();

        identities.MapPost("", async (HttpContext http, string identityId, UniversalAuthService service) =>
        {
            var settings = await ReadSettingsAsync(http, withDefaults: true);
            var actor = http.GetActor();
            return TypedResults.Ok(new UniversalAuthEnvelope(await service.AttachAsync(actor, AuditContext.From(http, actor), identityId.Trim(), settings)));
        }).WithSummary("Attach Universal Auth");

        identities.MapPatch("", async (HttpContext http, string identityId, UniversalAuthService service) =>
        {
            var settings = await ReadSettingsAsync(http, withDefaults: false);
            var actor = http.GetActor();
            return TypedResults.Ok(new UniversalAuthEnvelope(await service.UpdateAsync(actor, AuditContext.From(http, actor), identityId.Trim(), settings)));
        }).WithSummary("Update Universal Auth");

        identities.MapGet("", async (HttpContext http, string identityId, UniversalAuthService service) =>
        {
            var actor = http.GetActor();
            return TypedResults.Ok(new UniversalAuthEnvelope(await service.GetAsync(actor, AuditContext.From(http, actor), identityId.Trim())));
        }).WithSummary("Retrieve Universal Auth");

        identities.MapDelete("", async (HttpContext http, string identityId, UniversalAuthService service) =>
        {
            var actor = http.GetActor();
            return TypedResults.Ok(new UniversalAuthEnvelope(await service.RevokeAsync(actor, AuditContext.From(http, actor), identityId.Trim())));
        }).WithSummary("Revoke Universal Auth");

        identities.MapPost("/client-secrets", async (HttpContext http, string identityId, ClientSecretService service) =>
        {
            var body = await JsonBody.ReadInputAsync(http.Request);
            var description = body.String("description", fallback: "");
            var numUsesLimit = body.Integer("numUsesLimit", min: 0, fallback: 0);
            var ttl = body.Integer("ttl", min: 0, max: TokenSettings.MaxAllowedTtl, fallback: 0);
            body.ThrowIfInvalid();
            var request = new CreateClientSecretRequest(description!, numUsesLimit!.Value, ttl!.Value);
            var actor = http.GetActor();
            return TypedResults.Ok(await service.CreateAsync(actor, AuditContext.From(http, actor), identityId.Trim(), request));
        }).WithSummary("Create Universal Auth Client Secret");

        identities.MapGet("/client-secrets", async (HttpContext http, string identityId, ClientSecretService service) =>
        {
            var actor = http.GetActor();
            return TypedResults.Ok(await service.ListAsync(actor, AuditContext.From(http, actor), identityId.Trim()));
        }).WithSummary("List Universal Auth Client Secrets");

        identities.MapGet("/client-secrets/{clientSecretId}", async (HttpContext http, string identityId, string clientSecretId, ClientSecretService service) =>
        {
            var actor = http.GetActor();
            return TypedResults.Ok(new ClientSecretEnvelope(await service.GetAsync(actor, AuditContext.From(http, actor), identityId.Trim(), clientSecretId.Trim())));
        }).WithSummary("Get Universal Auth Client Secret");

        identities.MapPost("/client-secrets/{clientSecretId}/revoke", async (HttpContext http, string identityId, string clientSecretId, ClientSecretService service) =>
        {
            var actor = http.GetActor();
            return TypedResults.Ok(new ClientSecretEnvelope(await service.RevokeAsync(actor, AuditContext.From(http, actor), identityId.Trim(), clientSecretId.Trim())));
        }).WithSummary("Revoke Universal Auth Client Secret");

        identities.MapPost("/clear-lockouts", async (HttpContext http, string identityId, UniversalAuthService service) =>
        {
            var actor = http.GetActor();
            return TypedResults.Ok(new ClearLockoutsResponse(await service.ClearLockoutsAsync(actor, AuditContext.From(http, actor), identityId.Trim())));
        }).WithSummary("Clear Universal Auth Lockouts");
    }

    private static async Task<UniversalAuthSettings> ReadSettingsAsync(HttpContext http, bool withDefaults) =>
        UniversalAuthInputs.Read(await JsonBody.ReadInputAsync(http.Request), withDefaults);

    public sealed record ClearLockoutsResponse(int Deleted);
}
