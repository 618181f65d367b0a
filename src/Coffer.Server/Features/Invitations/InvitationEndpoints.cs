using Coffer.Server.Features.AuditLogs;
using Coffer.Server.Http;
using Coffer.Server.Http.Auth;
using Coffer.Server.Http.RateLimiting;
using Coffer.Server.Http.Validation;
using Coffer.Server.Permissions;

namespace Coffer.Server.Features.Invitations;

/// <summary>
/// Infisical's organization invitations: <c>/api/v1/invite-org/signup</c> (invite, answering with the sign-up links
/// because Coffer sends no email), <c>/api/v1/invite-org/signup-resend</c>, <c>/api/v1/invite-org/verify</c> (the code from
/// the link) and <c>/api/v3/signup/complete-account/invite</c> (name and password, then signed in).
/// </summary>
public static class InvitationEndpoints
{
    public static void MapInvitations(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/invite-org/signup", async (HttpContext http, InvitationService service) =>
        {
            var actor = UserOnly(http);
            var body = await JsonBody.ReadInputAsync(http.Request);
            var emails = body.Strings("inviteeEmails", required: true, trim: true) ?? [];
            for (var i = 0; i < emails.Count; i++)
            {
                if (!EmailAddress.IsValid(emails[i]))
                    body.AddIssue(new ValidationIssue("invalid_string", [.. body.PathOf("inviteeEmails"), i], "Invalid email") { Extra = new() { ["validation"] = "email" } });
            }
            if (emails.Any(e => e.Any(char.IsUpper))) body.Fail("Email must be lowercase", "inviteeEmails");
            var organizationId = body.String("organizationId", trim: true);
            var role = body.String("organizationRoleSlug", required: false) ?? OrgRoleSlugs.Member;
            body.ThrowIfInvalid();
            var links = await service.InviteAsync(actor, AuditContext.From(http, actor), organizationId!, emails, role);
            return TypedResults.Ok(new InviteOrgResponse($"Send an invite link to {string.Join(", ", emails)}", links.Count == 0 ? null : links));
        }).RequireActor().WithTags("Organizations").WithSummary("Invite users to the organization").WithRateLimit(RateLimitPolicy.Write);

        app.MapPost("/api/v1/invite-org/signup-resend", async (HttpContext http, InvitationService service) =>
        {
            var actor = UserOnly(http);
            var body = await JsonBody.ReadInputAsync(http.Request);
            var membershipId = body.String("membershipId");
            body.ThrowIfInvalid();
            return TypedResults.Ok(new ResendInviteResponse(await service.ResendAsync(actor, actor.OrgId, membershipId!.Trim())));
        }).RequireActor().WithTags("Organizations").WithSummary("Renew an invitation's sign-up link").WithRateLimit(RateLimitPolicy.Write);

        app.MapPost("/api/v1/invite-org/verify", async (HttpContext http, InvitationService service) =>
        {
            var body = await JsonBody.ReadInputAsync(http.Request);
            var email = body.String("email", trim: true);
            if (email is not null && !EmailAddress.IsValid(email))
                body.AddIssue(new ValidationIssue("invalid_string", body.PathOf("email"), "Invalid email") { Extra = new() { ["validation"] = "email" } });
            else if (email is not null && email.Any(char.IsUpper)) body.Fail("Email must be lowercase", "email");
            var organizationId = body.String("organizationId", trim: true);
            var code = body.String("code", trim: true);
            body.ThrowIfInvalid();
            return TypedResults.Ok(await service.VerifyAsync(email!, organizationId!, code!));
        }).WithTags("Organizations").WithSummary("Accept an invitation with the code from its link").WithRateLimit(RateLimitPolicy.Auth);

        app.MapPost("/api/v3/signup/complete-account/invite", async (HttpContext http, InvitationService service, ClientIp clientIp) =>
        {
            var body = await JsonBody.ReadInputAsync(http.Request);
            var email = body.String("email", trim: true);
            if (email is not null && !EmailAddress.IsValid(email))
                body.AddIssue(new ValidationIssue("invalid_string", body.PathOf("email"), "Invalid email") { Extra = new() { ["validation"] = "email" } });
            // Taken as typed (never trimmed), at least Infisical's minimum of 14 characters (decision 20).
            var password = body.String("password", min: Bootstrap.BootstrapEndpoints.MinPasswordLength);
            var firstName = body.String("firstName", trim: true);
            var lastName = body.String("lastName", required: false, trim: true);
            body.String("tokenMetadata", required: false);
            body.ThrowIfInvalid();
            var authorization = http.Request.Headers.Authorization.ToString();
            var token = authorization.Length > 7 ? authorization[7..].Trim() : null;
            return TypedResults.Ok(await service.CompleteAsync(token, email!, password!, firstName!, lastName, clientIp.Resolve(http),
                http.Request.Headers.UserAgent.ToString(), AuditContext.From(http, null)));
        }).WithTags("Authentication").WithSummary("Complete an invited account").WithRateLimit(RateLimitPolicy.Auth);
    }

    /// <summary>Infisical serves these to signed-in people only (its JWT auth mode), not to machine identities.</summary>
    private static Actor UserOnly(HttpContext http)
    {
        var actor = http.GetActor();
        if (actor.Type != ActorType.User) throw new ForbiddenException("You are not allowed to access this resource", $"Forbidden access to {http.Request.Path}");
        return actor;
    }
}
