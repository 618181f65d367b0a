using System.Text.Json.Nodes;
using Coffer.Server.Features.AuditLogs;
using Coffer.Server.Http;
using Coffer.Server.Http.Auth;

namespace Coffer.Server.Features.Identities;

/// <summary>The configuration routes every proof-based auth method serves, answered through its service.</summary>
public interface IAuthMethodConfigurationService<in TSettings>
{
    Task<JsonObject> AttachAsync(Actor actor, AuditContext audit, string identityId, TSettings settings);

    Task<JsonObject> UpdateAsync(Actor actor, AuditContext audit, string identityId, TSettings settings);

    Task<JsonObject> GetAsync(Actor actor, AuditContext audit, string identityId);

    Task<JsonObject> RevokeAsync(Actor actor, AuditContext audit, string identityId);
}

public static class AuthMethodRoutes
{
    /// <summary>
    /// Maps <c>POST</c> (attach), <c>PATCH</c>, <c>GET</c> and <c>DELETE</c> (revoke) on <paramref name="pattern"/>, each
    /// answering <c>{ <paramref name="envelope"/>: … }</c>; the group is returned for the method's further routes.
    /// </summary>
    /// <param name="pattern">The whole path, written out where the method maps its routes (e.g. "/api/v1/auth/ldap-auth/identities/{identityId}").</param>
    /// <param name="name">The method's name in the API reference ("LDAP Auth").</param>
    /// <param name="readSettings">Reads and validates the body; true for an attach (defaults filled in), false for an update.</param>
    public static RouteGroupBuilder MapAuthMethodConfiguration<TService, TSettings>(this IEndpointRouteBuilder app, string pattern, string name,
        string envelope, Func<HttpContext, bool, Task<TSettings>> readSettings)
        where TService : IAuthMethodConfigurationService<TSettings>
    {
        var identity = app.MapGroup(pattern).RequireActor().WithTags(name);

        identity.MapPost("", async (HttpContext http, string identityId) =>
        {
            var service = http.RequestServices.GetRequiredService<TService>();
            var settings = await readSettings(http, true);
            var actor = http.GetActor();
            return Envelope(envelope, await service.AttachAsync(actor, AuditContext.From(http, actor), identityId.Trim(), settings));
        }).WithSummary($"Attach {name}");

        identity.MapPatch("", async (HttpContext http, string identityId) =>
        {
            var service = http.RequestServices.GetRequiredService<TService>();
            var settings = await readSettings(http, false);
            var actor = http.GetActor();
            return Envelope(envelope, await service.UpdateAsync(actor, AuditContext.From(http, actor), identityId.Trim(), settings));
        }).WithSummary($"Update {name}");

        identity.MapGet("", async (HttpContext http, string identityId) =>
        {
            var service = http.RequestServices.GetRequiredService<TService>();
            var actor = http.GetActor();
            return Envelope(envelope, await service.GetAsync(actor, AuditContext.From(http, actor), identityId.Trim()));
        }).WithSummary($"Get {name}");

        identity.MapDelete("", async (HttpContext http, string identityId) =>
        {
            var service = http.RequestServices.GetRequiredService<TService>();
            var actor = http.GetActor();
            return Envelope(envelope, await service.RevokeAsync(actor, AuditContext.From(http, actor), identityId.Trim()));
        }).WithSummary($"Revoke {name}");

        return identity;
    }

    private static IResult Envelope(string name, JsonObject value) => Results.Json(new JsonObject { [name] = value }, ApiJson.Options);
}
