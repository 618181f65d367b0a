using Coffer.Server.Crypto;
using Coffer.Server.Features.Users;
using Coffer.Server.Http;
using Coffer.Server.Http.Auth;

namespace Coffer.Server.Features.AccessTokens;

/// <summary>
/// Authenticates callers of routes that need one. Public routes (login, renew, bootstrap, status) ignore the
/// Authorization header, so a client holding an expired token can still log in again.
/// </summary>
public sealed class AuthMiddleware(RequestDelegate next, TokenSigner signer, TokenAuthenticator identities, UserService users,
    ClientIp clientIp)
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
        if (token.IsEmpty) throw new TokenException(JwtErrors.Missing);
        if (token.StartsWith(ServiceTokens.Prefix, StringComparison.Ordinal)) throw ServiceTokens.NotSupported();
        var verified = signer.VerifyAny(token);
        Actor actor;
        if (verified.IsIdentityAccessToken)
        {
            actor = await identities.AuthenticateAsync(TokenSigner.IdentityClaimsOf(verified), clientIp.Resolve(context));
        }
        else if (verified.AuthTokenType == UserTokenClaims.AccessTokenType)
        {
            actor = await users.AuthenticateAsync(verified);
            if (actor.OrgId.Length == 0 && metadata.GetMetadata<AllowsNoOrganizationMetadata>() is null)
                throw new UnauthorizedException("You are not allowed to access this resource",
                    $"{context.Request.Path} Unauthorized Access, no organization found in request");
        }
        else
        {
            // Refresh, signup and other token types do not authenticate API calls: Infisical treats them as absent.
            throw new UnauthorizedException("Token missing");
        }
        context.SetActor(actor);
        await next(context);
    }
}
