using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Coffer.Server.Crypto;
using Coffer.Server.Errors;

namespace Coffer.Tests.Crypto;

public class JwtCodecTests
{
    private const string Secret = "a-test-auth-secret-of-reasonable-length";
    private const string StandardHeader = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";
    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    private readonly ManualTimeProvider _clock = new(Start);
    private readonly JwtCodec _codec;

    public JwtCodecTests() => _codec = JwtCodec.FromAuthSecret(Secret, _clock);

    // ---- signing ------------------------------------------------------------------------------------------------

    [Fact]
    public void SignsWithTheStandardHs256HeaderAndAnIndependentlyCheckableHmac()
    {
        var token = _codec.IssueIdentityToken("identity-1", "token-1", "secret-1", 3600);
        var parts = token.Split('.');

        Assert.Equal(3, parts.Length);
        Assert.Equal(StandardHeader, parts[0]);
        Assert.Equal("""{"alg":"HS256","typ":"JWT"}""", Encoding.UTF8.GetString(Base64UrlDecode(parts[0])));
        Assert.Equal(IndependentSignature(Encoding.UTF8.GetBytes(Secret), $"{parts[0]}.{parts[1]}"), parts[2]);
        Assert.DoesNotContain('=', token);
    }

    [Fact]
    public void PayloadCarriesInfisicalsIdentityClaimsInOrder()
    {
        var token = _codec.IssueIdentityToken("identity-1", "token-1", "secret-1", 3600);
        Assert.Equal(
            """{"identityId":"identity-1","clientSecretId":"secret-1","identityAccessTokenId":"token-1","authTokenType":"identityAccessToken","iat":1700000000,"exp":1700003600}""",
            PayloadJson(token));
    }

    [Fact]
    public void TtlZeroMeansNoExpClaimAndNoExpiry()
    {
        var token = _codec.IssueIdentityToken("identity-1", "token-1", clientSecretId: null, ttlSeconds: 0);

        Assert.Equal(
            """{"identityId":"identity-1","identityAccessTokenId":"token-1","authTokenType":"identityAccessToken","iat":1700000000}""",
            PayloadJson(token));
        _clock.Advance(TimeSpan.FromDays(365 * 50));
        var verified = _codec.Verify(token);
        Assert.Null(verified.ExpiresAt);
        Assert.True(verified.TryGetIdentityClaims(out var claims));
        Assert.Null(claims.Exp);
        Assert.Null(claims.ClientSecretId);
    }

    [Fact]
    public void SubOrganizationIdIsIncludedWhenGiven()
    {
        var token = _codec.IssueIdentityToken("identity-1", "token-1", null, 60, subOrganizationId: "sub-org");
        using var json = JsonDocument.Parse(PayloadJson(token));
        Assert.Equal("sub-org", json.RootElement.GetProperty("subOrganizationId").GetString());
    }

    [Fact]
    public void RoundTripsIdentityClaims()
    {
        var token = _codec.IssueIdentityToken("identity-1", "token-1", "secret-1", 3600, "sub-org");
        var verified = _codec.Verify(token);

        Assert.True(verified.IsIdentityAccessToken);
        Assert.Equal(1_700_000_000, verified.IssuedAt);
        Assert.Equal(1_700_003_600, verified.ExpiresAt);
        Assert.True(verified.TryGetIdentityClaims(out var claims));
        Assert.Equal(
            new IdentityTokenClaims
            {
                IdentityId = "identity-1",
                IdentityAccessTokenId = "token-1",
                ClientSecretId = "secret-1",
                SubOrganizationId = "sub-org",
                Iat = 1_700_000_000,
                Exp = 1_700_003_600,
            },
            claims);
    }

    [Fact]
    public void SignUsesTheClaimsExactlyAsGiven()
    {
        var claims = new IdentityTokenClaims { IdentityId = "i", IdentityAccessTokenId = "t", Iat = 1_699_999_999, Exp = 1_700_000_001 };
        Assert.True(_codec.Verify(_codec.Sign(claims)).TryGetIdentityClaims(out var read));
        Assert.Equal(claims, read);
    }

    [Fact]
    public void TwoTokensIssuedTheSameSecondForDifferentRowsDiffer()
    {
        Assert.NotEqual(
            _codec.IssueIdentityToken("identity-1", "token-1", null, 60),
            _codec.IssueIdentityToken("identity-1", "token-2", null, 60));
    }

    // ---- interop ------------------------------------------------------------------------------------------------

    [Fact]
    public void VerifiesTheWellKnownJwtIoExampleToken()
    {
        // The HS256 example from jwt.io, signed by a standard library with the UTF-8 secret "your-256-bit-secret".
        const string token =
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
        var codec = JwtCodec.FromAuthSecret("your-256-bit-secret", _clock);

        var verified = codec.Verify(token);

        Assert.Equal(1_516_239_022, verified.IssuedAt);
        Assert.Null(verified.AuthTokenType);
        Assert.False(verified.TryGetIdentityClaims(out _));
        using var json = JsonDocument.Parse(verified.PayloadJson.ToArray());
        Assert.Equal("John Doe", json.RootElement.GetProperty("name").GetString());
    }

    [Fact]
    public void VerifiesATokenBuiltIndependentlyInInfisicalsShape()
    {
        // What jsonwebtoken.sign({identityId, clientSecretId, identityAccessTokenId, authTokenType}, AUTH_SECRET, {expiresIn}) emits.
        var token = BuildToken(
            """{"alg":"HS256","typ":"JWT"}""",
            """{"identityId":"8c3e","clientSecretId":"77aa","identityAccessTokenId":"91bd","authTokenType":"identityAccessToken","iat":1700000000,"exp":1700000600}""");

        Assert.True(_codec.Verify(token).TryGetIdentityClaims(out var claims));
        Assert.Equal("8c3e", claims.IdentityId);
        Assert.Equal("77aa", claims.ClientSecretId);
        Assert.Equal("91bd", claims.IdentityAccessTokenId);
        Assert.Equal(1_700_000_600, claims.Exp);
    }

    [Fact]
    public void HeaderMemberOrderAndExtraMembersDoNotMatter()
    {
        var token = BuildToken("""{"typ":"JWT","kid":"k1","alg":"HS256"}""", """{"authTokenType":"accessToken","userId":"u"}""");
        var verified = _codec.Verify(token);
        Assert.Equal("accessToken", verified.AuthTokenType);
        Assert.False(verified.TryGetIdentityClaims(out _));
    }

    // ---- expiry against the clock -------------------------------------------------------------------------------

    [Fact]
    public void ExpiresExactlyAtExpAsJsonwebtokenDoes()
    {
        var token = _codec.IssueIdentityToken("identity-1", "token-1", null, 60);

        _clock.Advance(TimeSpan.FromSeconds(59.999));
        _codec.Verify(token);

        _clock.Advance(TimeSpan.FromMilliseconds(1));
        AssertTokenError(JwtErrors.Expired, () => _codec.Verify(token));
    }

    [Fact]
    public void NotBeforeInTheFutureIsNotActive()
    {
        var token = BuildToken("""{"alg":"HS256","typ":"JWT"}""", """{"nbf":1700000010}""");
        AssertTokenError(JwtErrors.NotActive, () => _codec.Verify(token));
        _clock.Advance(TimeSpan.FromSeconds(10));
        _codec.Verify(token);
    }

    [Theory]
    [InlineData("""{"exp":"1800000000"}""", JwtErrors.InvalidExp)]
    [InlineData("""{"exp":null}""", JwtErrors.InvalidExp)]
    [InlineData("""{"exp":true}""", JwtErrors.InvalidExp)]
    [InlineData("""{"nbf":"0"}""", JwtErrors.InvalidNbf)]
    [InlineData("""{"exp":1600000000}""", JwtErrors.Expired)]
    [InlineData("""{"exp":1700000000}""", JwtErrors.Expired)]
    public void BadOrPastTimeClaimsAreRejected(string payload, string message)
    {
        AssertTokenError(message, () => _codec.Verify(BuildToken("""{"alg":"HS256","typ":"JWT"}""", payload)));
    }

    // ---- every error message ------------------------------------------------------------------------------------

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void EmptyTokenIsJwtMustBeProvided(string? token)
    {
        AssertTokenError("jwt must be provided", () => _codec.Verify(token));
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("Bearer")]
    [InlineData("a.b")]
    [InlineData("a.b.c.d")]
    [InlineData("....")]
    public void TokenWithoutExactlyThreePartsIsMalformed(string token)
    {
        AssertTokenError(
            "The provided access token is malformed. Please use a valid token or generate a new one and try again.",
            () => _codec.Verify(token));
    }

    [Fact]
    public void AbsurdlyLongTokenIsMalformed()
    {
        var token = $"{StandardHeader}.{new string('A', 10_000)}.sig";
        AssertTokenError(JwtErrors.Malformed, () => _codec.Verify(token));
    }

    [Fact]
    public void SignedPayloadThatIsNotAJsonObjectIsMalformed()
    {
        AssertTokenError(JwtErrors.Malformed, () => _codec.Verify(BuildToken("""{"alg":"HS256"}""", "not json")));
        AssertTokenError(JwtErrors.Malformed, () => _codec.Verify(BuildToken("""{"alg":"HS256"}""", "[1,2]")));
        AssertTokenError(JwtErrors.Malformed, () => _codec.Verify(BuildToken("""{"alg":"HS256"}""", """{"a":1} x""")));
    }

    [Fact]
    public void IdentityTokenMissingRequiredClaimsIsMalformed()
    {
        var token = BuildToken("""{"alg":"HS256"}""", """{"authTokenType":"identityAccessToken","identityId":"i"}""");
        var verified = _codec.Verify(token);
        AssertTokenError(JwtErrors.Malformed, () => verified.TryGetIdentityClaims(out _));
    }

    [Theory]
    [InlineData("a.b.c")]
    [InlineData("..")]
    [InlineData("e30..sig")]
    [InlineData(".e30.sig")]
    [InlineData("e30=.e30.sig")]
    [InlineData("e30.e30.si g")]
    [InlineData("e30.e30.si+g")]
    [InlineData("bm90IGpzb24.e30.sig")] // header "not json"
    [InlineData("WzFd.e30.sig")] // header "[1]"
    public void ThreePartsWithAnUndecodableHeaderIsJsonwebtokensInvalidToken(string token)
    {
        AssertTokenError("invalid token", () => _codec.Verify(token));
    }

    [Theory]
    [InlineData("""{"alg":"none","typ":"JWT"}""", "")]
    [InlineData("""{"alg":"none"}""", "sig")]
    [InlineData("""{"alg":"HS384","typ":"JWT"}""", "sig")]
    [InlineData("""{"alg":"HS512","typ":"JWT"}""", "sig")]
    [InlineData("""{"alg":"RS256","typ":"JWT"}""", "sig")]
    [InlineData("""{"alg":"hs256","typ":"JWT"}""", "sig")]
    [InlineData("""{"alg":256}""", "sig")]
    [InlineData("""{"typ":"JWT"}""", "sig")]
    [InlineData("""{"alg":"HS256","alg":"none"}""", "sig")]
    public void AnyAlgorithmButHs256IsAnInvalidAlgorithm(string header, string signature)
    {
        var token = $"{Base64UrlEncode(Encoding.UTF8.GetBytes(header))}.{Base64UrlEncode("""{"identityId":"x"}"""u8.ToArray())}.{signature}";
        AssertTokenError(
            "The access token is signed with an invalid algorithm. Please provide a valid token and try again.",
            () => _codec.Verify(token));
    }

    [Fact]
    public void Hs256TokenWithAnEmptySignatureIsJwtSignatureIsRequired()
    {
        var token = _codec.IssueIdentityToken("i", "t", null, 60);
        AssertTokenError("jwt signature is required", () => _codec.Verify(token[..(token.LastIndexOf('.') + 1)]));
    }

    [Fact]
    public void TokenSignedWithAnotherSecretHasAnInvalidSignature()
    {
        var other = JwtCodec.FromAuthSecret("another-secret", _clock);
        AssertTokenError("invalid signature", () => _codec.Verify(other.IssueIdentityToken("i", "t", null, 60)));
    }

    [Fact]
    public void ChangingThePayloadInvalidatesTheSignature()
    {
        var token = _codec.IssueIdentityToken("identity-1", "token-1", null, 60);
        var parts = token.Split('.');
        var forged = Base64UrlEncode(Encoding.UTF8.GetBytes(PayloadJson(token).Replace("identity-1", "identity-2", StringComparison.Ordinal)));
        AssertTokenError(JwtErrors.InvalidSignature, () => _codec.Verify($"{parts[0]}.{forged}.{parts[2]}"));
    }

    [Fact]
    public void EverySingleCharacterChangeInTheSignatureIsCaught()
    {
        var token = _codec.IssueIdentityToken("identity-1", "token-1", null, 60);
        var signatureStart = token.LastIndexOf('.') + 1;
        for (var i = signatureStart; i < token.Length; i++)
        {
            var replacement = token[i] == 'A' ? 'B' : 'A';
            var tampered = string.Concat(token.AsSpan(0, i), [replacement], token.AsSpan(i + 1));
            AssertTokenError(JwtErrors.InvalidSignature, () => _codec.Verify(tampered));
        }
    }

    [Fact]
    public void NonCanonicalSpellingOfTheSameSignatureBytesIsRejected()
    {
        // The 43rd base64url character carries 4 data bits and 2 padding bits; flipping a padding bit decodes to the
        // same 32 bytes. jws compares the canonical text, so must we.
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        var token = _codec.IssueIdentityToken("identity-1", "token-1", null, 60);
        var variant = alphabet[alphabet.IndexOf(token[^1], StringComparison.Ordinal) ^ 1];
        var tampered = token[..^1] + variant;

        Assert.Equal(Base64UrlDecode(token[(token.LastIndexOf('.') + 1)..]), Base64UrlDecode(tampered[(tampered.LastIndexOf('.') + 1)..]));
        AssertTokenError(JwtErrors.InvalidSignature, () => _codec.Verify(tampered));
    }

    [Fact]
    public void TruncatedOrPaddedSignaturesAreInvalid()
    {
        var token = _codec.IssueIdentityToken("identity-1", "token-1", null, 60);
        AssertTokenError(JwtErrors.InvalidSignature, () => _codec.Verify(token[..^1]));
        AssertTokenError(JwtErrors.InvalidSignature, () => _codec.Verify(token + "A"));
    }

    [Fact]
    public void TokenErrorsAre401TokenError()
    {
        var error = Assert.Throws<TokenException>(() => _codec.Verify("x"));
        Assert.Equal(401, error.StatusCode);
        Assert.Equal("TokenError", error.Error);
    }

    [Fact]
    public void VerifyAcceptsASliceOfTheAuthorizationHeader()
    {
        var header = "Bearer " + _codec.IssueIdentityToken("i", "t", null, 60);
        Assert.True(_codec.Verify(header.AsSpan(7)).IsIdentityAccessToken);
    }

    [Fact]
    public void EmptyAuthSecretIsAConfigurationError()
    {
        var error = Assert.Throws<KeyConfigurationException>(() => JwtCodec.FromAuthSecret("", _clock));
        Assert.Equal("AUTH_SECRET", error.Variable);
    }

    [Fact]
    public void NegativeTtlIsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _codec.IssueIdentityToken("i", "t", null, -1));
    }

    // ---- helpers: an independent HS256 implementation on the BCL's HMACSHA256 class ----------------------------

    private static void AssertTokenError(string message, Action verify)
    {
        var error = Assert.Throws<TokenException>(verify);
        Assert.Equal(message, error.Message);
    }

    private static string BuildToken(string headerJson, string payloadJson)
    {
        var signingInput = $"{Base64UrlEncode(Encoding.UTF8.GetBytes(headerJson))}.{Base64UrlEncode(Encoding.UTF8.GetBytes(payloadJson))}";
        return $"{signingInput}.{IndependentSignature(Encoding.UTF8.GetBytes(Secret), signingInput)}";
    }

    private static string IndependentSignature(byte[] key, string signingInput)
    {
        using var hmac = new HMACSHA256(key);
        return Base64UrlEncode(hmac.ComputeHash(Encoding.ASCII.GetBytes(signingInput)));
    }

    private static string PayloadJson(string token) => Encoding.UTF8.GetString(Base64UrlDecode(token.Split('.')[1]));

    private static string Base64UrlEncode(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] Base64UrlDecode(string text)
    {
        var base64 = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '='));
    }
}
