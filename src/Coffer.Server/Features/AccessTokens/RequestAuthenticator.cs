using System.Net;
using Coffer.Server.Crypto;
using Coffer.Server.Features.Users;
using Coffer.Server.Http.Auth;

namespace Coffer.Server.Features.AccessTokens;

/// <summary>
/// Turns a bearer token into the caller: an identity access token or a user session token. The request pipeline asks
/// once per request; an event stream asks again at every heartbeat, so a token revoked, expired or moved out of its
/// organization ends the stream as it would refuse the next request.
/// </summary>
public sealed class RequestAuthenticator(TokenSigner signer, TokenAuthenticator identities, UserService users)
{
    /// <param name="allowsNoOrganization">The route accepts a user token issued before an organization was selected.</param>
    /// <param name="consumeUse">False when re-checking the token of a request already under way (no second use spent).</param>
    /// <param name="projectHint">The project a read names, whose content version is read with the security epoch.</param>
    public Task<Actor> AuthenticateAsync(ReadOnlySpan<char> token, IPAddress clientIp, bool allowsNoOrganization, PathString path,
        string? projectHint = null, bool consumeUse = true)
    {
        if (token.IsEmpty) throw new TokenException(JwtErrors.Missing);
        if (token.StartsWith(ServiceTokens.Prefix, StringComparison.Ordinal)) throw ServiceTokens.NotSupported();
        return AuthenticateAsync(signer.VerifyAny(token), clientIp, allowsNoOrganization, path, projectHint, consumeUse);
    }

    private async Task<Actor> AuthenticateAsync(VerifiedJwt verified, IPAddress clientIp, bool allowsNoOrganization, PathString path,
        string? projectHint, bool consumeUse)
    {
        if (verified.IsIdentityAccessToken)
            return await identities.AuthenticateAsync(TokenSigner.IdentityClaimsOf(verified), clientIp, consumeUse, projectHint);
        if (verified.AuthTokenType == UserTokenClaims.AccessTokenType)
        {
            var actor = await users.AuthenticateAsync(verified, projectHint);
            if (actor.OrgId.Length == 0 && !allowsNoOrganization)
                throw new UnauthorizedException("You are not allowed to access this resource", $"{path} Unauthorized Access, no organization found in request");
            return actor;
        }
        // Refresh, signup and other token types do not authenticate API calls: Infisical treats them as absent.
        throw new UnauthorizedException("Token missing");
    }
}
