using System.Text.Json.Nodes;
using Coffer.Server.Data;
using Coffer.Server.Features.AccessTokens;
using Coffer.Server.Http;

namespace Coffer.Server.Features.LdapAuth;

/// <summary>An attribute a user must carry, with the comma-separated values it may have (Infisical's <c>allowedFields</c>).</summary>
public sealed record LdapAllowedField(string Key, string Value)
{
    public IEnumerable<string> Values => Value.Split(',');
}

/// <summary>An LDAP auth configuration as read from an attach or update body; null leaves a field as it is (update).</summary>
public sealed record LdapAuthSettings(
    string? Url, string? BindDn, string? BindPass, string? CaCert, string? SearchBase, string? SearchFilter, IReadOnlyList<LdapAllowedField>? AllowedFields,
    TokenSettings Tokens,
    LockoutSettings Lockout);

/// <summary>
/// Infisical's <c>identityLdapAuth</c> object. The read adds <c>bindDN</c> and <c>ldapCaCertificate</c> as Infisical's does,
/// but its <c>bindPass</c> is always empty: the password is a credential, and Coffer shows none it stores.
/// </summary>
public static class LdapAuthJson
{
    public static JsonObject From(LdapAuthRow r, bool withBindDetails = false)
    {
        var o = new JsonObject
        {
            ["id"] = r.Id,
            ["accessTokenTTL"] = r.AccessTokenTtl,
            ["accessTokenMaxTTL"] = r.AccessTokenMaxTtl,
            ["accessTokenNumUsesLimit"] = r.AccessTokenNumUsesLimit,
            ["accessTokenTrustedIps"] = JsonNode.Parse(r.AccessTokenTrustedIps),
            ["identityId"] = r.IdentityId,
            ["url"] = r.Url,
            ["searchBase"] = r.SearchBase,
            ["searchFilter"] = r.SearchFilter,
            ["allowedFields"] = r.AllowedFields is null ? null : JsonNode.Parse(r.AllowedFields),
            ["createdAt"] = ApiJson.FormatTime(UnixMs.ToUtc(r.CreatedAt)),
            ["updatedAt"] = ApiJson.FormatTime(UnixMs.ToUtc(r.UpdatedAt)),
            ["accessTokenPeriod"] = 0,
            ["templateId"] = null,
            ["lockoutEnabled"] = r.LockoutEnabled,
            ["lockoutThreshold"] = r.LockoutThreshold,
            ["lockoutDurationSeconds"] = r.LockoutDurationSeconds,
            ["lockoutCounterResetSeconds"] = r.LockoutCounterResetSeconds,
        };
        if (withBindDetails)
        {
            o["bindDN"] = r.BindDn;
            o["bindPass"] = "";
            if (r.CaCert.Length > 0) o["ldapCaCertificate"] = r.CaCert;
        }
        return o;
    }

    public static string? Serialize(IReadOnlyList<LdapAllowedField>? fields) =>
        fields is null ? null : new JsonArray([.. fields.Select(f => (JsonNode)new JsonObject { ["key"] = f.Key, ["value"] = f.Value })]).ToJsonString();

    public static IReadOnlyList<LdapAllowedField> Parse(string? stored) =>
        stored is null ? [] : [.. JsonNode.Parse(stored)!.AsArray().Select(n => new LdapAllowedField(n!["key"]!.GetValue<string>(), n["value"]!.GetValue<string>()))];
}
