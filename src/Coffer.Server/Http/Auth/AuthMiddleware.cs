using Coffer.Server.Features.AccessTokens;

namespace Coffer.Server.Http.Auth;

/// <summary>
/// Authenticates callers of routes that need one. Public routes (login, renew, bootstrap, status) ignore the
/// Authorization header, so a client holding an expired token can still log in again.
/// </summary>
public sealed class AuthMiddleware(RequestDelegate next, TokenAuthenticator authenticator, ClientIp clientIp)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<RequiresActorMetadata>() is null)
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
        var token = authorization.Length > 7 ? authorization[7..].Trim() : "";
        var actor = await authenticator.AuthenticateAsync(token, clientIp.Resolve(context));
        context.SetActor(actor);
        await next(context);
    }
}
