using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Coffer.IntegrationTests.Infrastructure;

/// <summary>
/// A stand-in for AWS STS's <c>GetCallerIdentity</c> on loopback (no AWS here): it checks each request's SigV4
/// signature with the secret keys it was given — so a request Coffer changed on the way fails as it would at AWS —
/// and answers STS's XML: the caller's ARN and account, or an <c>ErrorResponse</c>. Also signs requests as the SDKs
/// do, for the tests that play the client.
/// </summary>
public sealed class TestSts : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Dictionary<string, (string Secret, string Arn, string Account)> _keys = [];

    private TestSts(WebApplication app) => _app = app;

    public string Endpoint { get; private set; } = "";

    public List<string> HostsSeen { get; } = [];

    public static async Task<TestSts> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var sts = new TestSts(app);
        app.MapPost("/", async (HttpContext http) =>
        {
            using var reader = new StreamReader(http.Request.Body);
            var body = await reader.ReadToEndAsync();
            lock (sts.HostsSeen) sts.HostsSeen.Add(http.Request.Headers.Host.ToString());
            var headers = http.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            var caller = sts.Verify("POST", body, headers);
            if (caller is null)
                return Results.Text(
                    "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type><Code>SignatureDoesNotMatch</Code>" +
                    "<Message>The request signature we calculated does not match the signature you provided.</Message></Error></ErrorResponse>",
                    "text/xml", statusCode: 403);
            return Results.Text(
                "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult>" +
                $"<Arn>{caller.Value.Arn}</Arn><UserId>AIDAEXAMPLE</UserId><Account>{caller.Value.Account}</Account>" +
                "</GetCallerIdentityResult><ResponseMetadata><RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId></ResponseMetadata>" +
                "</GetCallerIdentityResponse>", "text/xml");
        });
        await app.StartAsync();
        sts.Endpoint = app.Urls.Single() + "/";
        return sts;
    }

    /// <summary>AWS credentials STS will recognize, and whom they belong to.</summary>
    public (string AccessKeyId, string Secret) Credentials(string arn, string account)
    {
        var id = "AKIA" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(30));
        _keys[id] = (secret, arn, account);
        return (id, secret);
    }

    /// <summary>The login body's three fields, as the SDKs build them: a signed POST of <c>Action=GetCallerIdentity</c>.</summary>
    /// <param name="goHeaders">Headers as Go's <c>http.Header</c> marshals them (each value a one-item list), as the go-sdk sends them.</param>
    public static object LoginFields(string identityId, string accessKeyId, string secret, string region, string? host = null,
        string body = "Action=GetCallerIdentity&Version=2011-06-15", string service = "sts", bool goHeaders = false)
    {
        host ??= $"sts.{region}.amazonaws.com";
        var now = DateTime.UtcNow;
        var headers = new Dictionary<string, string>
        {
            ["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8",
            ["Content-Length"] = Encoding.UTF8.GetByteCount(body).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Host"] = host,
            ["X-Amz-Date"] = now.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture),
        };
        headers["Authorization"] = Authorization("POST", body, headers, accessKeyId, secret, region, service);
        var json = new JsonObject();
        foreach (var (k, v) in headers) json[k] = goHeaders ? new JsonArray(v) : v;
        return new
        {
            identityId,
            iamHttpRequestMethod = "POST",
            iamRequestBody = Convert.ToBase64String(Encoding.UTF8.GetBytes(body)),
            iamRequestHeaders = Convert.ToBase64String(Encoding.UTF8.GetBytes(json.ToJsonString())),
        };
    }

    private (string Arn, string Account)? Verify(string method, string body, Dictionary<string, string> headers)
    {
        if (!headers.TryGetValue("Authorization", out var auth)) return null;
        var credential = auth.Split("Credential=")[1].Split(',')[0];
        var parts = credential.Split('/');
        if (!_keys.TryGetValue(parts[0], out var key)) return null;
        var signedNames = auth.Split("SignedHeaders=")[1].Split(',')[0].Split(';');
        var signed = signedNames.ToDictionary(n => n, n => headers.GetValueOrDefault(n) ?? "", StringComparer.OrdinalIgnoreCase);
        var expected = Authorization(method, body, signed, parts[0], key.Secret, parts[2], parts[3]);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(auth)) ? (key.Arn, key.Account) : null;
    }

    /// <summary>SigV4 (AWS's documented algorithm) over the given headers, all of them signed.</summary>
    private static string Authorization(string method, string body, IReadOnlyDictionary<string, string> headers, string accessKeyId, string secret,
        string region, string service)
    {
        var amzDate = headers.First(h => h.Key.Equals("X-Amz-Date", StringComparison.OrdinalIgnoreCase)).Value;
        var date = amzDate[..8];
        var canonical = headers.Where(h => !h.Key.Equals("Authorization", StringComparison.OrdinalIgnoreCase))
            .Select(h => (Name: h.Key.ToLowerInvariant(), Value: h.Value.Trim())).OrderBy(h => h.Name, StringComparer.Ordinal).ToList();
        var signedHeaders = string.Join(';', canonical.Select(h => h.Name));
        var request = $"{method}\n/\n\n{string.Concat(canonical.Select(h => $"{h.Name}:{h.Value}\n"))}\n{signedHeaders}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(body)))}";
        var scope = $"{date}/{region}/{service}/aws4_request";
        var toSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{scope}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(request)))}";
        var k = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + secret), Encoding.UTF8.GetBytes(date));
        k = HMACSHA256.HashData(k, Encoding.UTF8.GetBytes(region));
        k = HMACSHA256.HashData(k, Encoding.UTF8.GetBytes(service));
        k = HMACSHA256.HashData(k, "aws4_request"u8.ToArray());
        var signature = Hex(HMACSHA256.HashData(k, Encoding.UTF8.GetBytes(toSign)));
        return $"AWS4-HMAC-SHA256 Credential={accessKeyId}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}";
    }

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
