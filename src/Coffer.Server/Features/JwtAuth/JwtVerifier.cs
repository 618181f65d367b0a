using System.Buffers.Text;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Coffer.Server.Features.JwtAuth;

/// <summary>
/// Checks a JWT against public keys with the platform's RSA and ECDSA, as Infisical's <c>jsonwebtoken.verify(token,
/// publicKey)</c> does: the algorithm must fit the key (RS256/384/512 and PS256/384/512 for RSA, ES256/384/512 for the
/// matching EC curve), so <c>none</c> and HMAC — a public key used as a shared secret — never verify; then
/// <c>exp</c> and <c>nbf</c>, with <see cref="Skew"/> of tolerance for clocks that differ.
/// </summary>
public static class JwtVerifier
{
    public static readonly TimeSpan Skew = TimeSpan.FromSeconds(30);

    /// <summary>A key as configured: an SPKI public key or a certificate, in PEM. Null when it is neither.</summary>
    public static AsymmetricAlgorithm? ReadKey(string pem)
    {
        try
        {
            if (pem.Contains("BEGIN CERTIFICATE", StringComparison.Ordinal))
            {
                using var cert = X509Certificate2.CreateFromPem(pem);
                return (AsymmetricAlgorithm?)cert.GetRSAPublicKey() ?? cert.GetECDsaPublicKey();
            }
            if (pem.Contains("BEGIN RSA PUBLIC KEY", StringComparison.Ordinal))
            {
                var rsa = RSA.Create();
                rsa.ImportFromPem(pem);
                return rsa;
            }
            try
            {
                var rsa = RSA.Create();
                rsa.ImportFromPem(pem);
                return rsa;
            }
            catch (CryptographicException)
            {
                var ec = ECDsa.Create();
                ec.ImportFromPem(pem);
                return ec;
            }
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>The token's claims, or the reason it does not verify with this key (jsonwebtoken's words).</summary>
    public static (JsonObject? Claims, string? Error) Verify(string token, AsymmetricAlgorithm key, DateTimeOffset now)
    {
        var parts = token.Split('.');
        if (parts.Length != 3) return (null, "jwt malformed");
        var header = Decode(parts[0]);
        var payload = Decode(parts[1]);
        if (header is null || payload is null) return (null, "jwt malformed");
        var alg = header["alg"] is JsonValue a && a.TryGetValue<string>(out var s) ? s : null;
        if (parts[2].Length == 0) return (null, "jwt signature is required");
        byte[] signature;
        try
        {
            signature = Base64Url.DecodeFromChars(parts[2]);
        }
        catch (FormatException)
        {
            return (null, "jwt malformed");
        }
        var signed = Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
        bool? valid = (alg, key) switch
        {
            ("RS256", RSA rsa) => rsa.VerifyData(signed, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            ("RS384", RSA rsa) => rsa.VerifyData(signed, signature, HashAlgorithmName.SHA384, RSASignaturePadding.Pkcs1),
            ("RS512", RSA rsa) => rsa.VerifyData(signed, signature, HashAlgorithmName.SHA512, RSASignaturePadding.Pkcs1),
            ("PS256", RSA rsa) => rsa.VerifyData(signed, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pss),
            ("PS384", RSA rsa) => rsa.VerifyData(signed, signature, HashAlgorithmName.SHA384, RSASignaturePadding.Pss),
            ("PS512", RSA rsa) => rsa.VerifyData(signed, signature, HashAlgorithmName.SHA512, RSASignaturePadding.Pss),
            ("ES256", ECDsa ec) when ec.KeySize == 256 => ec.VerifyData(signed, signature, HashAlgorithmName.SHA256),
            ("ES384", ECDsa ec) when ec.KeySize == 384 => ec.VerifyData(signed, signature, HashAlgorithmName.SHA384),
            ("ES512", ECDsa ec) when ec.KeySize == 521 => ec.VerifyData(signed, signature, HashAlgorithmName.SHA512),
            _ => null,
        };
        if (valid is null) return (null, "invalid algorithm");
        if (valid is false) return (null, "invalid signature");
        if (NumericDate(payload, "nbf") is { } nbf && now < DateTimeOffset.FromUnixTimeSeconds(nbf) - Skew) return (null, "jwt not active");
        if (NumericDate(payload, "exp") is { } exp && now >= DateTimeOffset.FromUnixTimeSeconds(exp) + Skew) return (null, "jwt expired");
        return (payload, null);
    }

    private static long? NumericDate(JsonObject payload, string name) =>
        payload[name] is JsonValue v && v.TryGetValue<double>(out var d) && double.IsFinite(d) ? (long)Math.Floor(d) : null;

    private static JsonObject? Decode(string part)
    {
        try
        {
            return JsonNode.Parse(Base64Url.DecodeFromChars(part)) as JsonObject;
        }
        catch (Exception ex) when (ex is FormatException or JsonException or ArgumentException)
        {
            return null;
        }
    }
}
