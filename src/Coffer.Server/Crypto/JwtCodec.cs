using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Coffer.Server.Http;

namespace Coffer.Server.Crypto;

/// <summary>
/// HS256 compact JWS, written by hand because it runs on every authenticated request: one payload serialisation, one
/// HMAC and one string per sign; no JSON DOM and a constant-time signature compare per verify.
/// Behaviour follows the jsonwebtoken library Infisical uses, so clients see the same <c>TokenError</c> texts
/// (<see cref="JwtErrors"/>) in the same order: empty → malformed → undecodable header → algorithm → missing
/// signature → signature → <c>nbf</c> → <c>exp</c>. Unlike jsonwebtoken's default, only HS256 is accepted.
/// </summary>
public sealed class JwtCodec : IDisposable
{
    public const string AuthSecretVariable = "AUTH_SECRET";

    /// <summary>Longer tokens are rejected as malformed before any decoding (ours are ~300 characters).</summary>
    public const int MaxTokenLength = 8192;

    // base64url('{"alg":"HS256","typ":"JWT"}'): the header jsonwebtoken writes, byte for byte.
    private static ReadOnlySpan<byte> EncodedHeader => "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"u8;
    private const int SignatureLength = 43; // base64url of 32 bytes, unpadded
    private const int StackLimit = 1024;

    private static readonly SearchValues<char> Base64UrlAlphabet =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    private readonly byte[] _secret;
    private readonly TimeProvider _time;

    public JwtCodec(ReadOnlySpan<byte> secret, TimeProvider time)
    {
        if (secret.IsEmpty)
        {
            throw new ArgumentException("The signing secret must not be empty.", nameof(secret));
        }

        ArgumentNullException.ThrowIfNull(time);
        _secret = GC.AllocateUninitializedArray<byte>(secret.Length, pinned: true);
        secret.CopyTo(_secret);
        _time = time;
    }

    /// <summary>
    /// A codec keyed by <c>AUTH_SECRET</c>. Like jsonwebtoken, the HMAC key is the UTF-8 bytes of the string as given
    /// (not base64-decoded), so tokens Infisical issued with the same secret verify here too.
    /// </summary>
    public static JwtCodec FromAuthSecret(string authSecret, TimeProvider time)
    {
        if (string.IsNullOrEmpty(authSecret))
        {
            throw new KeyConfigurationException(AuthSecretVariable, $"{AuthSecretVariable} must not be empty.");
        }

        return new JwtCodec(Encoding.UTF8.GetBytes(authSecret), time);
    }

    /// <summary>Now, in whole Unix seconds (floored, as jsonwebtoken does).</summary>
    public long NowUnixSeconds() => _time.GetUtcNow().ToUnixTimeSeconds();

    /// <summary>
    /// Signs a new identity access token stamped <c>iat</c> = now and, unless <paramref name="ttlSeconds"/> is 0,
    /// <c>exp</c> = now + TTL (a TTL of 0 means the token never expires and carries no <c>exp</c>).
    /// </summary>
    public string IssueIdentityToken(
        string identityId, string identityAccessTokenId, string? clientSecretId, long ttlSeconds, string? subOrganizationId = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(identityId);
        ArgumentException.ThrowIfNullOrEmpty(identityAccessTokenId);
        ArgumentOutOfRangeException.ThrowIfNegative(ttlSeconds);
        var now = NowUnixSeconds();
        return Sign(new IdentityTokenClaims
        {
            IdentityId = identityId,
            ClientSecretId = clientSecretId,
            IdentityAccessTokenId = identityAccessTokenId,
            SubOrganizationId = subOrganizationId,
            Iat = now,
            Exp = ttlSeconds > 0 ? checked(now + ttlSeconds) : null,
        });
    }

    /// <summary>Signs the claims exactly as given (the caller has set <c>iat</c> and <c>exp</c>).</summary>
    public string Sign(IdentityTokenClaims claims) => Sign(claims, CryptoJsonContext.Default.IdentityTokenClaims);

    /// <summary>Signs any JSON-object payload as an HS256 compact JWS with header <c>{"alg":"HS256","typ":"JWT"}</c>.</summary>
    public string Sign<T>(T payload, JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        var json = JsonSerializer.SerializeToUtf8Bytes(payload, typeInfo);
        if (json.Length == 0 || json[0] != (byte)'{')
        {
            throw new ArgumentException("A JWT payload must serialise to a JSON object.", nameof(payload));
        }

        var signingLength = EncodedHeader.Length + 1 + Base64Url.GetEncodedLength(json.Length);
        var totalLength = signingLength + 1 + SignatureLength;
        byte[]? rented = null;
        var buffer = totalLength <= StackLimit
            ? stackalloc byte[StackLimit]
            : (rented = ArrayPool<byte>.Shared.Rent(totalLength));
        try
        {
            EncodedHeader.CopyTo(buffer);
            buffer[EncodedHeader.Length] = (byte)'.';
            Base64Url.EncodeToUtf8(json, buffer[(EncodedHeader.Length + 1)..]);

            Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
            HMACSHA256.HashData(_secret, buffer[..signingLength], mac);
            buffer[signingLength] = (byte)'.';
            Base64Url.EncodeToUtf8(mac, buffer[(signingLength + 1)..]);
            return Encoding.ASCII.GetString(buffer[..totalLength]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Verifies a token; see <see cref="Verify(ReadOnlySpan{char})"/>.</summary>
    public VerifiedJwt Verify(string? token) => Verify(token.AsSpan());

    /// <summary>
    /// Verifies an HS256 compact JWS and its <c>nbf</c>/<c>exp</c> against the clock. Every failure is a
    /// <see cref="TokenException"/> (401, decision 7) carrying Infisical's text for that case.
    /// </summary>
    public VerifiedJwt Verify(ReadOnlySpan<char> token)
    {
        if (token.IsEmpty)
        {
            throw new TokenException(JwtErrors.Missing);
        }

        if (token.Length > MaxTokenLength)
        {
            throw new TokenException(JwtErrors.Malformed);
        }

        // Exactly three parts, as jsonwebtoken's split('.') check: anything else is "malformed".
        if (token.Count('.') != 2)
        {
            throw new TokenException(JwtErrors.Malformed);
        }

        var firstDot = token.IndexOf('.');
        var secondDot = token.LastIndexOf('.');

        var headerPart = token[..firstDot];
        var payloadPart = token[(firstDot + 1)..secondDot];
        var signaturePart = token[(secondDot + 1)..];
        if (headerPart.IsEmpty || payloadPart.IsEmpty
            || !IsBase64UrlText(headerPart) || !IsBase64UrlText(payloadPart) || !IsBase64UrlText(signaturePart))
        {
            throw new TokenException(JwtErrors.InvalidToken);
        }

        // The algorithm is checked before the signature's presence so that `alg: none` tokens (which usually have an
        // empty signature) are named for their algorithm.
        if (!HeaderSaysHs256(headerPart))
        {
            throw new TokenException(JwtErrors.InvalidAlgorithm);
        }

        if (signaturePart.IsEmpty)
        {
            throw new TokenException(JwtErrors.SignatureRequired);
        }

        if (!SignatureMatches(token[..secondDot], signaturePart))
        {
            throw new TokenException(JwtErrors.InvalidSignature);
        }

        var payload = DecodePayload(payloadPart);
        var claims = ReadTimeClaims(payload);
        var now = (double)NowUnixSeconds();
        if (claims.NotBefore is { } nbf)
        {
            if (double.IsNaN(nbf))
            {
                throw new TokenException(JwtErrors.InvalidNbf);
            }

            if (nbf > now)
            {
                throw new TokenException(JwtErrors.NotActive);
            }
        }

        if (claims.ExpiresAt is { } exp)
        {
            if (double.IsNaN(exp))
            {
                throw new TokenException(JwtErrors.InvalidExp);
            }

            if (now >= exp)
            {
                throw new TokenException(JwtErrors.Expired);
            }
        }

        return new VerifiedJwt(payload, claims.AuthTokenType, claims.IssuedAt, claims.ExpiresAt);
    }

    private bool SignatureMatches(ReadOnlySpan<char> signingInput, ReadOnlySpan<char> signature)
    {
        byte[]? rented = null;
        var input = signingInput.Length <= StackLimit
            ? stackalloc byte[StackLimit]
            : (rented = ArrayPool<byte>.Shared.Rent(signingInput.Length));
        try
        {
            // Already checked to be base64url characters, so ASCII is exact.
            var inputLength = Encoding.ASCII.GetBytes(signingInput, input);
            Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
            HMACSHA256.HashData(_secret, input[..inputLength], mac);

            // Compare the canonical encoding, as jws does, so the non-canonical spellings of the last base64url
            // character that decode to the same bytes are rejected instead of accepted.
            Span<byte> expected = stackalloc byte[SignatureLength];
            Base64Url.EncodeToUtf8(mac, expected);
            if (signature.Length != SignatureLength)
            {
                return false;
            }

            Span<byte> actual = stackalloc byte[SignatureLength];
            Encoding.ASCII.GetBytes(signature, actual);
            return CryptographicOperations.FixedTimeEquals(expected, actual);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static bool HeaderSaysHs256(ReadOnlySpan<char> headerPart)
    {
        byte[]? rented = null;
        var maxLength = Base64Url.GetMaxDecodedLength(headerPart.Length);
        var buffer = maxLength <= StackLimit
            ? stackalloc byte[StackLimit]
            : (rented = ArrayPool<byte>.Shared.Rent(maxLength));
        try
        {
            if (!TryDecodeBase64Url(headerPart, buffer, out var written))
            {
                throw new TokenException(JwtErrors.InvalidToken);
            }

            var reader = new Utf8JsonReader(buffer[..written]);
            var isHs256 = false;
            try
            {
                if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                {
                    throw new TokenException(JwtErrors.InvalidToken);
                }

                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var isAlg = reader.ValueTextEquals("alg"u8);
                    reader.Read();
                    if (isAlg)
                    {
                        isHs256 = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("HS256"u8);
                    }

                    reader.Skip();
                }

                while (reader.Read())
                {
                    // Drain so trailing garbage after the object throws.
                }
            }
            catch (JsonException)
            {
                throw new TokenException(JwtErrors.InvalidToken);
            }

            return isHs256;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static byte[] DecodePayload(ReadOnlySpan<char> payloadPart)
    {
        var buffer = new byte[Base64Url.GetMaxDecodedLength(payloadPart.Length)];
        if (!TryDecodeBase64Url(payloadPart, buffer, out var written))
        {
            throw new TokenException(JwtErrors.Malformed);
        }

        return written == buffer.Length ? buffer : buffer[..written];
    }

    /// <summary>Top-level <c>authTokenType</c>, <c>iat</c>, <c>nbf</c>, <c>exp</c>; NaN marks a time claim that is present but not a number.</summary>
    private static TimeClaims ReadTimeClaims(ReadOnlySpan<byte> payload)
    {
        var claims = default(TimeClaims);
        var reader = new Utf8JsonReader(payload);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new TokenException(JwtErrors.Malformed);
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.ValueTextEquals("exp"u8) ? 'e'
                    : reader.ValueTextEquals("nbf"u8) ? 'n'
                    : reader.ValueTextEquals("iat"u8) ? 'i'
                    : reader.ValueTextEquals("authTokenType"u8) ? 't'
                    : '\0';
                reader.Read();
                switch (name)
                {
                    case 'e':
                        claims.ExpiresAt = NumberOrNaN(ref reader);
                        break;
                    case 'n':
                        claims.NotBefore = NumberOrNaN(ref reader);
                        break;
                    case 'i':
                        claims.IssuedAt = reader.TokenType == JsonTokenType.Number ? reader.GetDouble() : null;
                        break;
                    case 't':
                        claims.AuthTokenType = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                        break;
                }

                reader.Skip();
            }

            while (reader.Read())
            {
                // Drain so trailing garbage after the object throws.
            }
        }
        catch (JsonException)
        {
            throw new TokenException(JwtErrors.Malformed);
        }

        return claims;
    }

    private static double NumberOrNaN(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out var value) && double.IsFinite(value)
            ? value
            : double.NaN;

    // Base64Url.TryDecodeFromChars throws rather than returning false for some invalid lengths (length % 4 == 1).
    private static bool TryDecodeBase64Url(ReadOnlySpan<char> text, Span<byte> destination, out int written)
    {
        written = 0;
        try
        {
            return text.Length % 4 != 1 && Base64Url.TryDecodeFromChars(text, destination, out written);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static bool IsBase64UrlText(ReadOnlySpan<char> text) => !text.ContainsAnyExcept(Base64UrlAlphabet);

    private struct TimeClaims
    {
        public string? AuthTokenType;
        public double? IssuedAt;
        public double? NotBefore;
        public double? ExpiresAt;
    }

    /// <summary>Zeroes the signing secret (at shutdown: the container disposes its singletons).</summary>
    public void Dispose() => CryptographicOperations.ZeroMemory(_secret);
}
