using Coffer.Server.Features.AuditLogs;
using Coffer.Server.Http.RateLimiting;
using Coffer.Server.Http.Validation;

namespace Coffer.Server.Features.Bootstrap;

public static class BootstrapEndpoints
{
    public const int MinPasswordLength = 14;

    public static void MapBootstrap(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/admin/bootstrap", async (HttpContext http, BootstrapService service) =>
        {
            var body = await JsonBody.ReadInputAsync(http.Request);
            var email = body.String("email", trim: true, min: 1);
            // Taken as typed (never trimmed), at least Infisical's minimum of 14 characters (decision 20).
            var password = body.String("password", min: MinPasswordLength);
            var organization = body.String("organization", trim: true, min: 1);
            if (email is { Length: > 0 } && !EmailAddress.IsValid(email))
                body.AddIssue(new ValidationIssue("invalid_string", ["email"], "Invalid email")
                {
                    Extra = new System.Text.Json.Nodes.JsonObject { ["validation"] = "email" },
                });
            body.ThrowIfInvalid();
            return TypedResults.Ok(await service.BootstrapAsync(new BootstrapRequest(email!, password!, organization!), AuditContext.From(http, null)));
        }).WithTags("Admin").WithSummary("Bootstrap Instance").WithRateLimit(RateLimitPolicy.Auth);
    }
}
