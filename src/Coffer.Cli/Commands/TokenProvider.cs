using Coffer.Cli.Api;
using Coffer.Cli.Config;

namespace Coffer.Cli.Commands;

/// <summary>
/// Picks the access token like Infisical's CLI (util.GetInfisicalToken): <c>--token</c>, then
/// <c>INFISICAL_UNIVERSAL_AUTH_ACCESS_TOKEN</c>, then <c>INFISICAL_TOKEN</c>. Coffer then tries
/// <c>INFISICAL_UNIVERSAL_AUTH_CLIENT_ID/_SECRET</c> (a login for this run only, handy in CI) and
/// finally the token saved by <c>coffer login</c> for this server, renewed when it nears expiry.
/// </summary>
internal sealed class TokenProvider(CommandSession session, ApiTransport transport)
{
    // The token of a login made from environment credentials, kept for the rest of this run.
    StoredToken? _environmentLogin;

    public async Task<string> GetAsync(string? tokenFlag, CancellationToken ct)
    {
        var env = session.Context.Env;
        foreach (var candidate in new[] { tokenFlag, env(EnvNames.UniversalAuthAccessToken), env(EnvNames.Token) })
        {
            if (!string.IsNullOrWhiteSpace(candidate))
            {
                return candidate.Trim();
            }
        }

        var now = session.Context.Time.GetUtcNow();
        var clientId = env(EnvNames.ClientId);
        var clientSecret = env(EnvNames.ClientSecret);
        if (!string.IsNullOrWhiteSpace(clientId) && !string.IsNullOrWhiteSpace(clientSecret))
        {
            if (_environmentLogin is { } kept && RenewalPolicy.Decide(kept, now) == RenewalPolicy.Decision.UseAsIs)
            {
                return kept.AccessToken;
            }

            // Past its best: a fresh login is as cheap as a renewal and cannot hit the max TTL.
            var login = await new CofferApiClient(transport, null).LoginUniversalAuthAsync(clientId.Trim(), clientSecret.Trim(), ct).ConfigureAwait(false);
            _environmentLogin = StoredToken.FromServer(login.AccessToken, login.ExpiresIn, login.AccessTokenMaxTtl, now, clientId.Trim());
            return login.AccessToken;
        }

        var stored = session.Store.Get(session.ApiBase) ?? throw new CliUserException(
            $"You are not logged in to {session.ApiBase}.",
            "Run `coffer login --method=universal-auth --client-id <id> --client-secret <secret>`, or pass --token / set INFISICAL_TOKEN.");

        switch (RenewalPolicy.Decide(stored, now))
        {
            case RenewalPolicy.Decision.Expired:
                throw new CliUserException(
                    $"Your login to {session.ApiBase} expired at {stored.ExpiresAt:u}.",
                    "Run `coffer login` again.");
            case RenewalPolicy.Decision.Renew:
                return await RenewAsync(stored, now, ct).ConfigureAwait(false);
            default:
                return stored.AccessToken;
        }
    }

    async Task<string> RenewAsync(StoredToken stored, DateTimeOffset now, CancellationToken ct)
    {
        try
        {
            var renewed = await new CofferApiClient(transport, stored.AccessToken).RenewAsync(stored.AccessToken, ct).ConfigureAwait(false);
            // The max TTL counts from the first login, so the original cap is kept across renewals.
            var token = StoredToken.FromServer(renewed.AccessToken, renewed.ExpiresIn, renewed.AccessTokenMaxTtl, now, stored.ClientId, stored.MaxExpiresAt);
            session.Store.Save(session.ApiBase, token);
            return token.AccessToken;
        }
        catch (ApiException ex) when (ex.StatusCode is 401 or 403)
        {
            // Renewal refused (max TTL reached or token revoked) while the token still works: use it
            // to its end, and say that a new login will be needed.
            session.Context.Console.Error.WriteLine($"warning: could not renew your login ({ex.Message}); run `coffer login` again before {stored.ExpiresAt:u}.");
            return stored.AccessToken;
        }
    }
}
