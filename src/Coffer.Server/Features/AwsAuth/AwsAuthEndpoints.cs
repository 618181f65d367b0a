using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Coffer.Server.Features.AccessTokens;
using Coffer.Server.Features.AuditLogs;
using Coffer.Server.Features.Identities;
using Coffer.Server.Http;
using Coffer.Server.Http.Auth;
using Coffer.Server.Http.Validation;

namespace Coffer.Server.Features.AwsAuth;

/// <summary><c>/api/v1/auth/aws-auth</c>: log in with a signed STS request, and attach, read, change and remove an identity's AWS auth.</summary>
public static class AwsAuthEndpoints
{
    public static IServiceCollection AddAwsAuth(this IServiceCollection services) =>
        services.AddSingleton<AwsAuthService>().AddSingleton<StsCallerIdentity>();

    public static void MapAwsAuth(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/auth/aws-auth/login", async (HttpContext http, AwsAuthService service) =>
        {
            var body = await JsonBody.ReadInputAsync(http.Request);
            var identityId = body.String("identityId", trim: true);
            var method = body.String("iamHttpRequestMethod", required: false, trim: true, fallback: "POST");
            var requestBody = body.String("iamRequestBody");
            var requestHeaders = body.String("iamRequestHeaders");
            body.String("subOrganizationName", required: false, trim: true);
            body.ThrowIfInvalid();
            var signed = new SignedStsRequest(method!, Decode(requestBody!, "iamRequestBody"), Headers(Decode(requestHeaders!, "iamRequestHeaders")));
            return TypedResults.Ok(await service.LoginAsync(identityId!, signed, AuditContext.From(http, null)));
        }).WithTags("AWS Auth").WithSummary("Login with AWS Auth");

        app.MapAuthMethodConfiguration<AwsAuthService, AwsAuthSettings>("/api/v1/auth/aws-auth/identities/{identityId}", "AWS Auth",
            "identityAwsAuth", ReadSettingsAsync);
    }

    private static string Decode(string base64, string field)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(base64));
        }
        catch (FormatException)
        {
            throw new BadRequestException($"{field} is not base64");
        }
    }

    /// <summary>The SDK's JSON object of header names to strings (an array value is joined, as Node's http does).</summary>
    private static Dictionary<string, string> Headers(string json)
    {
        JsonObject? headers;
        try
        {
            headers = JsonNode.Parse(json) as JsonObject;
        }
        catch (JsonException)
        {
            headers = null;
        }
        if (headers is null) throw new BadRequestException("iamRequestHeaders is not a base64 JSON object of headers");
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in headers)
            result[name] = value switch
            {
                JsonValue v when v.TryGetValue<string>(out var s) => s,
                JsonArray a => string.Join(", ", a.Select(x => x?.ToString())),
                _ => value?.ToJsonString() ?? "",
            };
        return result;
    }

    private static async Task<AwsAuthSettings> ReadSettingsAsync(HttpContext http, bool attach)
    {
        var body = await JsonBody.ReadInputAsync(http.Request);
        var endpoint = body.String("stsEndpoint", required: false, trim: true);
        if (endpoint is not null && !(Uri.TryCreate(endpoint, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp)))
            body.AddIssue(new ValidationIssue("invalid_string", body.PathOf("stsEndpoint"), "Invalid url") { Extra = new JsonObject { ["validation"] = "url" } });
        var arns = body.String("allowedPrincipalArns", required: false, trim: true);
        var accounts = body.String("allowedAccountIds", required: false, trim: true);
        if (accounts is not null && accounts.Split(',').Select(a => a.Trim()).Any(a => a.Length > 0 && !(a.Length == 12 && a.All(char.IsAsciiDigit))))
            body.Fail("Each AWS account ID must be 12 digits", "allowedAccountIds");
        var tokens = TokenSettings.Read(body, withDefaults: attach);
        body.ThrowIfInvalid();
        return new AwsAuthSettings(endpoint ?? (attach ? StsCallerIdentity.DefaultEndpoint : null), arns ?? (attach ? "" : null),
            accounts ?? (attach ? "" : null), tokens);
    }
}
