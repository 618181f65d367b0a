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
            metadata.GetMetadata<AllowsNoOrganizationMetadata>() is not null, context.Request.Path);
        context.SetActor(actor);
        await next(context);
    }
}
