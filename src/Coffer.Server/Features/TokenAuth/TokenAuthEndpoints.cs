using Coffer.Server.Features.AccessTokens;
using Coffer.Server.Features.AuditLogs;
using Coffer.Server.Http;
using Coffer.Server.Http.Auth;
using Coffer.Server.Http.Validation;

namespace Coffer.Server.Features.TokenAuth;

public static class TokenAuthEndpoints
{
    public static void MapTokenAuth(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/auth/token-auth").RequireActor().WithTags("Token Auth");
        var identity = group.MapGroup("/identities/{identityId}");

        identity.MapPost("", async (HttpContext http, string identityId, TokenAuthService service) =>
        {
            var settings = await ReadSettingsAsync(http, withDefaults: true);
            var actor = http.GetActor();
            return TypedResults.Ok(new TokenAuthEnvelope(await service.AttachAsync(actor, AuditContext.From(http, actor), identityId.Trim(), settings)));
        }).WithSummary("Attach Token Auth");

        identity.MapPatch("", async (HttpContext http, string identityId, TokenAuthService service) =>
        {
            var settings = await ReadSettingsAsync(http, withDefaults: false);
            var actor = http.GetActor();
            return TypedResults.Ok(new TokenAuthEnvelope(await service.UpdateAsync(actor, AuditContext.From(http, actor), identityId.Trim(), settings)));
        }).WithSummary("Update Token Auth");

        identity.MapGet("", async (HttpContext http, string identityId, TokenAuthService service) =>
        {
            var actor = http.GetActor();
            return TypedResults.Ok(new TokenAuthEnvelope(await service.GetAsync(actor, AuditContext.From(http, actor), identityId.Trim())));
        }).WithSummary("Get Token Auth");

        identity.MapDelete("", async (HttpContext http, string identityId, TokenAuthService service) =>
        {
            var actor = http.GetActor();
            return TypedResults.Ok(new TokenAuthEnvelope(await service.RevokeAsync(actor, AuditContext.From(http, actor), identityId.Trim())));
        }).WithSummary("Revoke Token Auth");

        identity.MapPost("/tokens", async (HttpContext http, string identityId, TokenAuthService service) =>
        {
            var (node, present) = await JsonBody.ReadAsync(http.Request);
            // The body is optional here: a bare POST mints an unnamed token.
            var body = Input.ForBody(present ? node : new System.Text.Json.Nodes.JsonObject(), true);
            var name = body.String("name", required: false, trim: true);
            body.String("subOrganizationName", required: false, trim: true);
            body.ThrowIfInvalid();
            var actor = http.GetActor();
            return TypedResults.Ok(await service.CreateTokenAsync(actor, AuditContext.From(http, actor), identityId.Trim(), name));
        }).WithSummary("Create Token for Token Auth");

        identity.MapGet("/tokens", async (HttpContext http, string identityId, TokenAuthService service) =>
        {
            var query = Input.ForQuery(http.Request.Query);
            var offset = query.Integer("offset", min: 0, max: 100, fallback: 0);
            var limit = query.Integer("limit", min: 1, max: 100, fallback: 20);
            query.ThrowIfInvalid();
            var actor = http.GetActor();
            return TypedResults.Ok(await service.ListTokensAsync(actor, AuditContext.From(http, actor), identityId.Trim(), (int)offset!, (int)limit!));
        }).WithSummary("List Tokens for Token Auth");

        group.MapGet("/tokens/{tokenId}", async (HttpContext http, string tokenId, TokenAuthService service) =>
            TypedResults.Ok(new TokenEnvelope(await service.GetTokenAsync(http.GetActor(), tokenId.Trim()))))
            .WithSummary("Get Token Auth token");

        group.MapPatch("/tokens/{tokenId}", async (HttpContext http, string tokenId, TokenAuthService service) =>
        {
            var body = await JsonBody.ReadInputAsync(http.Request);
            var name = body.String("name", trim: true);
            body.ThrowIfInvalid();
            var actor = http.GetActor();
            return TypedResults.Ok(new TokenEnvelope(await service.RenameTokenAsync(actor, AuditContext.From(http, actor), tokenId.Trim(), name!)));
        }).WithSummary("Update Token Auth token");

        group.MapPost("/tokens/{tokenId}/revoke", async (HttpContext http, string tokenId, TokenAuthService service) =>
        {
            var actor = http.GetActor();
            await service.RevokeTokenAsync(actor, AuditContext.From(http, actor), tokenId.Trim());
            return TypedResults.Ok(new MessageResponse("Successfully revoked access token"));
        }).WithSummary("Revoke Token Auth token");
    }

    private static async Task<TokenSettings> ReadSettingsAsync(HttpContext http, bool withDefaults) =>
        TokenSettings.ReadValid(await JsonBody.ReadInputAsync(http.Request), withDefaults);
}
