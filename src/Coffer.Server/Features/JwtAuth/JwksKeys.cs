using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Coffer.Server.Http.Outbound;

namespace Coffer.Server.Features.JwtAuth;

/// <summary>
/// Signing keys published as a JWKS, fetched through <see cref="GuardedHttp"/> and kept for ten minutes per URL and
/// CA. A token whose <c>kid</c> the cached set lacks triggers one fetch (the issuer rotated its keys), at most every
/// ten seconds per URL, so a stream of made-up <c>kid</c>s cannot make Coffer hammer the issuer.
/// </summary>
public sealed class JwksKeys(GuardedHttp http, TimeProvider time)
{
    private static readonly TimeSpan Fresh = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan MinRefetch = TimeSpan.FromSeconds(10);

    private sealed record KeySet(IReadOnlyList<JsonObject> Keys, DateTimeOffset FetchedAt);

    private readonly ConcurrentDictionary<(string Url, string Ca), KeySet> _sets = new();

    /// <summary>The JWK for <paramref name="kid"/> (or the only key when the token names none), or null when the issuer has none.</summary>
    public async Task<JsonObject?> FindAsync(string url, string? caPem, string? kid, CancellationToken ct)
    {
        var cacheKey = (url, caPem ?? "");
        var now = time.GetUtcNow();
        if (!_sets.TryGetValue(cacheKey, out var set) || now - set.FetchedAt > Fresh)
            set = _sets[cacheKey] = await FetchAsync(url, caPem, ct);
        var key = Pick(set, kid);
        if (key is null && now - set.FetchedAt >= MinRefetch)
        {
            set = _sets[cacheKey] = await FetchAsync(url, caPem, ct);
            key = Pick(set, kid);
        }
        return key;
    }

    /// <summary>Every key of the set (for a token that names no <c>kid</c>).</summary>
    public async Task<IReadOnlyList<JsonObject>> AllAsync(string url, string? caPem, CancellationToken ct)
    {
        var cacheKey = (url, caPem ?? "");
        if (!_sets.TryGetValue(cacheKey, out var set) || time.GetUtcNow() - set.FetchedAt > Fresh)
            set = _sets[cacheKey] = await FetchAsync(url, caPem, ct);
        return set.Keys;
    }

    private static JsonObject? Pick(KeySet set, string? kid) =>
        kid is null
            ? set.Keys.Count == 1 ? set.Keys[0] : null
            : set.Keys.FirstOrDefault(k => k["kid"] is JsonValue v && v.TryGetValue<string>(out var id) && id == kid);

    private async Task<KeySet> FetchAsync(string url, string? caPem, CancellationToken ct)
    {
        var body = await http.GetAsync(new Uri(url), caPem, "Fetching the JWKS", ct);
        JsonNode? doc;
        try
        {
            doc = JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            throw new BadGatewayException("Fetching the JWKS failed: the answer is not JSON");
        }
        if (doc?["keys"] is not JsonArray keys) throw new BadGatewayException("Fetching the JWKS failed: the answer has no keys");
        return new KeySet([.. keys.OfType<JsonObject>()], time.GetUtcNow());
    }

    /// <summary>An RSA or EC public key from its JWK, or null for a key of another kind or a malformed one.</summary>
    public static AsymmetricAlgorithm? ToKey(JsonObject jwk)
    {
        string? S(string name) => jwk[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        try
        {
            switch (S("kty"))
            {
                case "RSA" when S("n") is { } n && S("e") is { } e:
                    var rsa = RSA.Create();
                    rsa.ImportParameters(new RSAParameters { Modulus = Base64Url.DecodeFromChars(n), Exponent = Base64Url.DecodeFromChars(e) });
                    return rsa;
                case "EC" when S("x") is { } x && S("y") is { } y:
                    var curve = S("crv") switch
                    {
                        "P-256" => ECCurve.NamedCurves.nistP256,
                        "P-384" => ECCurve.NamedCurves.nistP384,
                        "P-521" => ECCurve.NamedCurves.nistP521,
                        _ => (ECCurve?)null,
                    };
                    if (curve is null) return null;
                    var ec = ECDsa.Create();
                    ec.ImportParameters(new ECParameters { Curve = curve.Value, Q = new ECPoint { X = Base64Url.DecodeFromChars(x), Y = Base64Url.DecodeFromChars(y) } });
                    return ec;
                default:
                    return null;
            }
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException)
        {
            return null;
        }
    }
}
