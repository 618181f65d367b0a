using System.Globalization;
using System.Text.Json.Nodes;
using Coffer.Server.Features.AccessTokens;
using Coffer.Server.Features.UniversalAuth;

namespace Coffer.Server.WebConsole.Components;

/// <summary>
/// An auth method's token and login settings as typed in a form. <see cref="ToBody"/> turns them into the API's body, so
/// the API's own reader checks them and its messages come back; <see cref="Labels"/> names its fields as the form does.
/// </summary>
public sealed class AuthSettingsInput
{
    public string? Ttl { get; set; }
    public string? MaxTtl { get; set; }
    public string? Uses { get; set; }
    public string? TokenIps { get; set; }
    public string? ClientSecretIps { get; set; }
    public bool LockoutEnabled { get; set; }
    public string? LockoutThreshold { get; set; }
    public string? LockoutDuration { get; set; }
    public string? LockoutReset { get; set; }

    public static readonly IReadOnlyDictionary<string, string> Labels = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["accessTokenTTL"] = "Access token lifetime",
        ["accessTokenMaxTTL"] = "Maximum lifetime",
        ["accessTokenNumUsesLimit"] = "Uses per access token",
        ["accessTokenTrustedIps"] = "Access token trusted IPs",
        ["clientSecretTrustedIps"] = "Client secret trusted IPs",
        ["lockoutThreshold"] = "Failed logins before lockout",
        ["lockoutDurationSeconds"] = "Lockout duration",
        ["lockoutCounterResetSeconds"] = "Failure count reset",
    };

    /// <summary>The form as the API's body: numbers where the text is one (else the text, which the reader refuses), blank fields left out.</summary>
    public JsonObject ToBody(bool universalAuth)
    {
        var body = new JsonObject();
        Number(body, "accessTokenTTL", Ttl);
        Number(body, "accessTokenMaxTTL", MaxTtl);
        Number(body, "accessTokenNumUsesLimit", Uses);
        Addresses(body, "accessTokenTrustedIps", TokenIps);
        if (!universalAuth) return AsParsed(body);
        Addresses(body, "clientSecretTrustedIps", ClientSecretIps);
        body["lockoutEnabled"] = LockoutEnabled;
        Number(body, "lockoutThreshold", LockoutThreshold);
        Number(body, "lockoutDurationSeconds", LockoutDuration);
        Number(body, "lockoutCounterResetSeconds", LockoutReset);
        return AsParsed(body);
    }

    /// <summary>The body as the API receives it: parsed from JSON text, so the reader sees the very values it reads there.</summary>
    private static JsonObject AsParsed(JsonObject body) => JsonNode.Parse(body.ToJsonString())!.AsObject();

    public static AuthSettingsInput From(UniversalAuthDto ua) => new()
    {
        Ttl = Text(ua.AccessTokenTtl),
        MaxTtl = Text(ua.AccessTokenMaxTtl),
        Uses = Text(ua.AccessTokenNumUsesLimit),
        TokenIps = AddressText(ua.AccessTokenTrustedIps),
        ClientSecretIps = AddressText(ua.ClientSecretTrustedIps),
        LockoutEnabled = ua.LockoutEnabled,
        LockoutThreshold = Text(ua.LockoutThreshold),
        LockoutDuration = Text(ua.LockoutDurationSeconds),
        LockoutReset = Text(ua.LockoutCounterResetSeconds),
    };

    public static AuthSettingsInput From(long ttl, long maxTtl, long uses, JsonNode tokenIps) => new()
    {
        Ttl = Text(ttl),
        MaxTtl = Text(maxTtl),
        Uses = Text(uses),
        TokenIps = AddressText(tokenIps),
    };

    /// <summary>What a new method starts with: Infisical's defaults.</summary>
    public static AuthSettingsInput Defaults() => new()
    {
        Ttl = Text(TokenSettings.DefaultTtl),
        MaxTtl = Text(TokenSettings.DefaultTtl),
        Uses = "0",
        TokenIps = "0.0.0.0/0, ::/0",
        ClientSecretIps = "0.0.0.0/0, ::/0",
        LockoutEnabled = LockoutSettings.DefaultEnabled,
        LockoutThreshold = Text(LockoutSettings.DefaultThreshold),
        LockoutDuration = Text(LockoutSettings.DefaultDurationSeconds),
        LockoutReset = Text(LockoutSettings.DefaultCounterResetSeconds),
    };

    /// <summary>A stored list (<c>[{ipAddress, prefix?}]</c>) as the comma-separated text the form shows.</summary>
    public static string AddressText(JsonNode stored) => stored is JsonArray entries
        ? string.Join(", ", entries.OfType<JsonObject>().Select(e =>
            e["prefix"] is { } prefix ? $"{e["ipAddress"]}/{prefix}" : e["ipAddress"]?.ToString()))
        : "";

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static void Number(JsonObject body, string name, string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return;
        body[name] = long.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : text.Trim();
    }

    private static void Addresses(JsonObject body, string name, string? text)
    {
        if (text is null) return;
        var items = text.Split([',', ' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries);
        body[name] = new JsonArray(items.Select(a => (JsonNode)new JsonObject { ["ipAddress"] = a }).ToArray());
    }
}
