using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using Coffer.Server.Http.Outbound;

namespace Coffer.Server.Features.AwsAuth;

/// <summary>
/// Forwards a client's SigV4-signed <c>sts:GetCallerIdentity</c> to STS and reads who signed it. Coffer holds no AWS
/// credential, so the forward proves the caller's identity without lending it anything; it must not become a way to
/// send other signed AWS requests or to reach other hosts: only <c>POST Action=GetCallerIdentity</c>, signed for the
/// <c>sts</c> service with the <c>Host</c> header among the signed ones and naming an STS host of the signing region,
/// sent to that host — or to the identity's own <c>stsEndpoint</c> when an administrator set one (a VPC endpoint) —
/// with no redirects and a short time-out.
/// </summary>
public sealed partial class StsCallerIdentity(GuardedHttp http)
{
    public const string DefaultEndpoint = "https://sts.amazonaws.com/";

    public sealed record Caller(string Arn, string Account, string UserId);

    public async Task<Caller> AskAsync(SignedStsRequest signed, string stsEndpoint, CancellationToken ct)
    {
        var host = Header(signed, "Host") ?? throw new BadRequestException("The signed request has no Host header");
        var authorization = Header(signed, "Authorization") ?? throw new BadRequestException("The signed request has no Authorization header");
        var sig = SigV4().Match(authorization);
        if (!sig.Success) throw new BadRequestException("The signed request is not signed with AWS Signature Version 4");
        var region = sig.Groups["region"].Value;
        if (!ValidRegion().IsMatch(region)) throw new BadRequestException("Invalid AWS region");
        if (sig.Groups["service"].Value != "sts") throw new BadRequestException("The signed request is not for AWS STS");
        if (!sig.Groups["signed"].Value.Split(';').Contains("host", StringComparer.OrdinalIgnoreCase))
            throw new BadRequestException("The signed request's signature does not cover its Host header");
        var hostName = host.Split(':')[0].ToLowerInvariant();
        if (hostName != "sts.amazonaws.com" && hostName != $"sts.{region}.amazonaws.com")
            throw new BadRequestException($"The signed request is for {hostName}, not AWS STS in {region}");
        if (!string.Equals(signed.Method, "POST", StringComparison.OrdinalIgnoreCase))
            throw new BadRequestException("Only a POST GetCallerIdentity request is forwarded to STS");
        var form = signed.Body.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2))
            .ToDictionary(p => Uri.UnescapeDataString(p[0]), p => p.Length > 1 ? Uri.UnescapeDataString(p[1].Replace('+', ' ')) : "", StringComparer.Ordinal);
        if (form.GetValueOrDefault("Action") != "GetCallerIdentity" || form.Keys.Any(k => k is not ("Action" or "Version")))
            throw new BadRequestException("Only a GetCallerIdentity request is forwarded to STS");

        var target = string.Equals(stsEndpoint, DefaultEndpoint, StringComparison.OrdinalIgnoreCase) ? new Uri($"https://{hostName}/") : new Uri(stsEndpoint);
        using var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(signed.Body)) };
        foreach (var (name, value) in signed.Headers)
        {
            if (name.Equals("Host", StringComparison.OrdinalIgnoreCase)) request.Headers.Host = host;
            else if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)) request.Content.Headers.TryAddWithoutValidation("Content-Type", value);
            else if (!name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)) request.Headers.TryAddWithoutValidation(name, value);
        }
        var (status, answer) = await http.SendAsync(request, null, "Asking AWS STS who signed the request", ct);
        var xml = Parse(answer);
        if (status != HttpStatusCode.OK)
        {
            var code = xml?.Descendants().FirstOrDefault(e => e.Name.LocalName == "Code")?.Value ?? ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture);
            throw new UnauthorizedException($"Access denied: AWS STS did not accept the signed request ({code})");
        }
        string? Value(string name) => xml?.Descendants().FirstOrDefault(e => e.Name.LocalName == name)?.Value;
        var arn = Value("Arn");
        var account = Value("Account");
        if (string.IsNullOrEmpty(arn) || string.IsNullOrEmpty(account))
            throw new BadGatewayException("Asking AWS STS who signed the request failed: the answer is not a GetCallerIdentityResponse");
        return new Caller(arn, account, Value("UserId") ?? "");
    }

    private static XDocument? Parse(byte[] answer)
    {
        try
        {
            using var reader = XmlReader.Create(new MemoryStream(answer), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            return XDocument.Load(reader);
        }
        catch (XmlException)
        {
            return null;
        }
    }

    private static string? Header(SignedStsRequest r, string name) =>
        r.Headers.FirstOrDefault(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;

    [GeneratedRegex(@"^AWS4-HMAC-SHA256\s+Credential=[^/\s]+/\d{8}/(?<region>[^/]+)/(?<service>[^/]+)/aws4_request,\s*SignedHeaders=(?<signed>[^,\s]+),\s*Signature=[0-9a-f]+$")]
    private static partial Regex SigV4();

    [GeneratedRegex("^[a-z0-9-]{1,20}$")]
    private static partial Regex ValidRegion();
}
