using Coffer.Server.Crypto;
using Coffer.Server.Features.Users;
using Coffer.Server.Http;
using Coffer.Server.Http.Auth;

namespace Coffer.Server.Features.AccessTokens;

/// <summary>
/// Authenticates callers of routes that need one. Public routes (login, renew, bootstrap, status) ignore the
/// Authorization header, so a client holding an expired token can still log in again.
/// </summary>
public sealed class AuthMiddleware(RequestDelegate next, RequestAuthenticator authenticator, ClientIp clientIp)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var metadata = context.GetEndpoint()?.Metadata;
        if (metadata?.GetMetadata<RequiresActorMetadata>() is null)
        {
            await next(context);
            return;
        }

        var headers = context.Request.Headers;
        if (headers.ContainsKey("x-api-key"))
            throw new BadRequestException("API key authentication is not supported anymore. Please switch to identity authentication.");

        var authorization = headers.Authorization.ToString();
        if (authorization.Length == 0) throw new UnauthorizedException("Token missing");

        // Infisical drops the first seven characters ("Bearer ") without looking at them; so do we.
        var token = authorization.Length > 7 ? authorization.AsSpan(7).Trim() : [];
        var actor = await authenticator.AuthenticateAsync(token, clientIp.Resolve(context),
            metadata.GetMetadata<AllowsNoOrganizationMetadata>() is not null, context.Request.Path, ProjectNamedBy(context));
        context.SetActor(actor);
        await next(context);
    }

    /// <summary>
    /// The project a read names (query or route), so its content version can be read with the security epoch. Only a
    /// hint: reads only (a write must see its own version), and a wrong or foreign id costs nothing but an unused number.
    /// </summary>
    private static string? ProjectNamedBy(HttpContext context)
    {
        if (!HttpMethods.IsGet(context.Request.Method)) return null;
        var query = context.Request.Query;
        var named = query["workspaceId"].ToString();
        if (named.Length == 0) named = query["projectId"].ToString();
        if (named.Length == 0) named = context.Request.RouteValues["projectId"] as string ?? context.Request.RouteValues["workspaceId"] as string ?? "";
        return named.Length is > 0 and <= 64 ? named : null;
    }
}
