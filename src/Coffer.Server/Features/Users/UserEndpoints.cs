using Coffer.Server.Features.AuditLogs;
using Coffer.Server.Http;
using Coffer.Server.Http.Auth;
using Coffer.Server.Http.RateLimiting;
using Coffer.Server.Http.Validation;

namespace Coffer.Server.Features.Users;

public static class UserEndpoints
{
    public static void MapUserAuth(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v3/auth/login", async (HttpContext http, UserService sessions, ClientIp clientIp) =>
        {
            var body = await JsonBody.ReadInputAsync(http.Request);
            var email = body.String("email", trim: true);
            var password = body.String("password");
            body.String("providerAuthToken", required: false);
            body.String("captchaToken", required: false);
            body.ThrowIfInvalid();
            var token = await sessions.LoginAsync(email!, password!, clientIp.Resolve(http), http.Request.Headers.UserAgent.ToString(),
                AuditContext.From(http, null));
            return TypedResults.Ok(new LoginResponse(token));
        }).WithTags("Authentication").WithSummary("Sign in with email and password").WithRateLimit(RateLimitPolicy.Auth);

        app.MapPost("/api/v3/auth/select-organization", async (HttpContext http, UserService sessions) =>
        {
            var body = await JsonBody.ReadInputAsync(http.Request);
            var organizationId = body.String("organizationId", trim: true);
            body.Enum("userAgent", ["cli"]);
            body.ThrowIfInvalid();
            var token = await sessions.SelectOrganizationAsync(http.GetActor(), organizationId!);
            return TypedResults.Ok(new SelectOrganizationResponse(token, IsMfaEnabled: false));
        }).RequireActor().WithMetadata(AllowsNoOrganizationMetadata.Instance).WithTags("Authentication").WithSummary("Select an organization").WithRateLimit(RateLimitPolicy.Auth);

        app.MapPost("/api/v1/auth/logout", async (HttpContext http, UserService sessions) =>
        {
            var actor = http.GetActor();
            if (actor.Type != ActorType.User) throw new ForbiddenException("You are not allowed to access this resource", $"Forbidden access to {http.Request.Path}");
            await sessions.LogoutAsync(actor);
            return TypedResults.Ok(new MessageResponse("Successfully logged out"));
        }).RequireActor().WithMetadata(AllowsNoOrganizationMetadata.Instance).WithTags("Authentication").WithSummary("Sign out");

        app.MapPost("/api/v1/auth/checkAuth", () => TypedResults.Ok(new MessageResponse("Authenticated")))
            .RequireActor().WithMetadata(AllowsNoOrganizationMetadata.Instance).WithTags("Authentication").WithSummary("Check authentication");
    }

    public sealed record LoginResponse(string AccessToken);

    public sealed record SelectOrganizationResponse(string Token, bool IsMfaEnabled);
}
