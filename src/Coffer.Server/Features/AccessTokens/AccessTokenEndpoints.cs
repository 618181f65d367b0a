using Coffer.Server.Http;
using Coffer.Server.Http.RateLimiting;
using Coffer.Server.Http.Validation;

namespace Coffer.Server.Features.AccessTokens;

public static class AccessTokenEndpoints
{
    public static void MapAccessTokens(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/auth/token").WithTags("Access Tokens").WithRateLimit(RateLimitPolicy.Auth);

        group.MapPost("/renew", async (HttpContext http, AccessTokenService service) =>
        {
            var body = await JsonBody.ReadInputAsync(http.Request);
            var token = body.String("accessToken", trim: true);
            body.ThrowIfInvalid();
            return TypedResults.Ok(await service.RenewAsync(token!));
        }).WithSummary("Renew Access Token");

        group.MapPost("/revoke", async (HttpContext http, AccessTokenService service) =>
        {
            var body = await JsonBody.ReadInputAsync(http.Request);
            var token = body.String("accessToken", trim: true);
            body.ThrowIfInvalid();
            await service.RevokeAsync(token!);
            return TypedResults.Ok(new MessageResponse("Successfully revoked access token"));
        }).WithSummary("Revoke Access Token");
    }
}
