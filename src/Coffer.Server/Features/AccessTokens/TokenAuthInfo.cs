using System.Text.Json;
using System.Text.Json.Nodes;

namespace Coffer.Server.Features.AccessTokens;

/// <summary>
/// What a login proved about its caller, in Infisical's shape (<c>identityAuth</c> of its token:
/// <c>{oidc:{claims}}</c>, <c>{kubernetes:{namespace,name}}</c>, <c>{aws:{accountId,arn,userId,partition,service,resourceType,resourceName}}</c>),
/// and what permission templates see below <c>identity.auth</c>: those values plus the token's identity and auth method.
/// </summary>
public static class TokenAuthInfo
{
    public static JsonObject Oidc(IReadOnlyDictionary<string, string> mappedClaims)
    {
        var claims = new JsonObject();
        foreach (var (key, value) in mappedClaims) claims[key] = value;
        return new JsonObject { ["oidc"] = new JsonObject { ["claims"] = claims } };
    }

    public static JsonObject Kubernetes(string serviceAccountNamespace, string serviceAccountName) =>
        new() { ["kubernetes"] = new JsonObject { ["namespace"] = serviceAccountNamespace, ["name"] = serviceAccountName } };

    /// <summary>The caller STS named, and what its ARN says (an assumed role counts as the role, as Infisical reads it).</summary>
    public static JsonObject Aws(string accountId, string arn, string userId)
    {
        var parts = arn.Split(':', 6);
        var resource = parts.Length == 6 ? parts[5].Split('/') : [];
        var (type, name) = resource switch
        {
            ["assumed-role", var role, ..] => ("role", role),
            [var kind, .., var last] => (kind, last),
            _ => ("", ""),
        };
        return new JsonObject
        {
            ["aws"] = new JsonObject
            {
                ["accountId"] = accountId,
                ["arn"] = arn,
                ["userId"] = userId,
                ["partition"] = parts.Length == 6 ? parts[1] : "",
                ["service"] = parts.Length == 6 ? parts[2] : "",
                ["resourceType"] = type,
                ["resourceName"] = name,
            },
        };
    }

    /// <summary>
    /// The values templates render, keyed by their path below <c>identity.auth</c> (<c>identityId</c>,
    /// <c>oidc.claims.team</c>, <c>kubernetes.namespace</c>…). Only string leaves count: that is all a login stores.
    /// </summary>
    public static IReadOnlyDictionary<string, string> ForTemplates(string identityId, string identityName, string authMethod, string? stored)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["identityId"] = identityId,
            ["identityName"] = identityName,
            ["authMethod"] = authMethod,
        };
        if (stored is not null)
        {
            using var doc = JsonDocument.Parse(stored);
            Flatten(doc.RootElement, "", values);
        }
        return values;
    }

    private static void Flatten(JsonElement element, string prefix, Dictionary<string, string> into)
    {
        if (element.ValueKind == JsonValueKind.String)
        {
            into[prefix] = element.GetString()!;
            return;
        }
        if (element.ValueKind != JsonValueKind.Object) return;
        foreach (var property in element.EnumerateObject())
            Flatten(property.Value, prefix.Length == 0 ? property.Name : prefix + "." + property.Name, into);
    }
}
