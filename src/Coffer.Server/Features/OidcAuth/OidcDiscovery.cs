using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Coffer.Server.Http.Outbound;

namespace Coffer.Server.Features.OidcAuth;

/// <summary>
/// An OpenID provider's <c>jwks_uri</c>, read from <c>{discovery URL}/.well-known/openid-configuration</c> through
/// <see cref="GuardedHttp"/> and kept for ten minutes per URL and CA.
/// </summary>
public sealed class OidcDiscovery(GuardedHttp http, TimeProvider time)
{
    private static readonly TimeSpan Fresh = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<(string Url, string Ca), (string JwksUri, DateTimeOffset At)> _documents = new();

    public async Task<string> JwksUriAsync(string discoveryUrl, string? caPem, CancellationToken ct)
    {
        var key = (discoveryUrl, caPem ?? "");
        if (_documents.TryGetValue(key, out var cached) && time.GetUtcNow() - cached.At <= Fresh) return cached.JwksUri;
        var body = await http.GetAsync(new Uri(discoveryUrl.TrimEnd('/') + "/.well-known/openid-configuration"), caPem,
            "Fetching the OIDC discovery document", ct);
        string? jwksUri;
        try
        {
            jwksUri = JsonNode.Parse(body)?["jwks_uri"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        }
        catch (JsonException)
        {
            throw new BadGatewayException("Fetching the OIDC discovery document failed: the answer is not JSON");
        }
        if (string.IsNullOrEmpty(jwksUri) || !Uri.TryCreate(jwksUri, UriKind.Absolute, out _))
            throw new UnauthorizedException(
                "Access denied: OIDC discovery document does not contain a jwks_uri. The identity provider may be misconfigured.");
        _documents[key] = (jwksUri, time.GetUtcNow());
        return jwksUri;
    }
}
