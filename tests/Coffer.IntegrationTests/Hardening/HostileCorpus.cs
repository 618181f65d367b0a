using System.Text;
using System.Text.Json.Nodes;

namespace Coffer.IntegrationTests.Hardening;

public sealed record HostileRequest(string Method, string Path, string? ContentType, byte[]? Body, string Kind);

/// <summary>
/// A seeded generator of hostile requests against a list of routes: broken and hostile JSON, wrong types, nulls, huge
/// and deep values, invalid UTF-8, look-alike unicode, traversal, SQL and template metacharacters, bad ids, duplicate
/// keys and wrong content types. The same seed gives the same corpus, so a failure can be replayed.
/// </summary>
public sealed class HostileCorpus(int seed, IReadOnlyList<(string Method, string Template)> routes, IReadOnlyDictionary<string, string> realIds)
{
    private readonly Random _random = new(seed);

    public static readonly string[] HostileStrings =
    [
        "", " ", "../../etc/passwd", "..%2f..%2fetc", "%2e%2e%2f%2e%2e", "/app/../../root", "..\\..\\windows", "' OR '1'='1", "'; DROP TABLE projects; --",
        "\" OR \"\"=\"", "{{identity.id}}", "{{identity.metadata.x}}", "${KEY}", "${prod./.KEY}", "$(whoami)", "`id`", "<script>alert(1)</script>",
        "ｐｒｏｊｅｃｔ", "admin\u200b", "ad\u00admin", "\u202Eevil", "𝔞𝔡𝔪𝔦𝔫", "null", "undefined", "NaN", "-1", "1e309", "0x7fffffff", "true",
        "\u0000", "a\u0000b", "\t\r\n", "🙂🙃", "😀" + new string('x', 300), "not-a-uuid", "00000000-0000-0000-0000-000000000000",
        "%", "%%", "%00", "/", "//", "*", "**", "?", "#", "&", "=", ";", ",", ":", "\\", new string('a', 70_000),
    ];

    private static readonly string[] FieldNames =
    [
        "name", "organizationId", "role", "roles", "hasDeleteProtection", "metadata", "clientSecretTrustedIps", "accessTokenTrustedIps",
        "accessTokenTTL", "accessTokenMaxTTL", "accessTokenNumUsesLimit", "accessTokenPeriod", "lockoutEnabled", "lockoutThreshold",
        "lockoutDurationSeconds", "lockoutCounterResetSeconds", "description", "numUsesLimit", "ttl", "clientId", "clientSecret",
        "accessToken", "email", "password", "organization", "projectName", "projectDescription", "slug", "type", "template",
        "shouldCreateDefaultEnvs", "position", "permissions", "identityId", "projectId", "workspaceId", "environment", "secretPath", "path",
        "secretKey", "secretValue", "secretComment", "tagIds", "newSecretName", "secrets", "mode", "skipMultilineEncoding",
        "secretReminderNote", "secretReminderRepeatDays", "isTemporary", "temporaryMode", "temporaryRange", "temporaryAccessStartTime",
        "pitVersionLimit", "autoCapitalization", "forceDelete", "color", "import", "isReplication", "sourceEnvironment",
        "sourceSecretPath", "destinationEnvironment", "destinationSecretPath", "secretIds", "shouldOverwrite", "directory",
    ];

    private static readonly string[] QueryNames =
    [
        "orgId", "offset", "limit", "search", "orderDirection", "orderBy", "workspaceId", "projectId", "environment", "secretPath", "path",
        "recursive", "include_imports", "includeImports", "expandSecretReferences", "viewSecretValue", "type", "tagSlugs", "version",
        "identityName", "roles", "startDate", "endDate", "eventType", "actor", "directory", "includeRoles", "projectSlug", "identityId",
    ];

    public IEnumerable<HostileRequest> Generate(int count)
    {
        for (var i = 0; i < count; i++)
        {
            var (method, template) = routes[_random.Next(routes.Count)];
            var path = FillPath(template) + Query();
            var withBody = method is "POST" or "PATCH" or "PUT" or "DELETE";
            yield return withBody ? WithBody(method, path) : new HostileRequest(method, path, null, null, "query");
        }
    }

    private string FillPath(string template)
    {
        var sb = new StringBuilder();
        var i = 0;
        while (i < template.Length)
        {
            var open = template.IndexOf('{', i);
            if (open < 0)
            {
                sb.Append(template, i, template.Length - i);
                break;
            }
            sb.Append(template, i, open - i);
            var close = template.IndexOf('}', open);
            var name = template[(open + 1)..close].TrimStart('*').Split(':')[0];
            var hostile = Pick(HostileStrings);
            sb.Append(_random.Next(3) == 0 || !realIds.TryGetValue(name, out var real)
                ? Uri.EscapeDataString(hostile[..Math.Min(2000, hostile.Length)])
                : real);
            i = close + 1;
        }
        return "/" + sb.ToString().TrimStart('/');
    }

    private string Query()
    {
        if (_random.Next(2) == 0) return "";
        var parts = Enumerable.Range(0, _random.Next(1, 5))
            .Select(_ => $"{Pick(QueryNames)}={Uri.EscapeDataString(Value(JsonKind.String)?.ToString() ?? "x")}");
        return "?" + string.Join("&", parts);
    }

    private HostileRequest WithBody(string method, string path)
    {
        var kind = _random.Next(16);
        switch (kind)
        {
            case 0: return Raw(method, path, Truncate(PlausibleBody().ToJsonString()), "truncated json");
            case 1: return Raw(method, path, "{\"name\": \"x\",,}", "malformed json");
            case 2: return Raw(method, path, Nested(_random.Next(100, 3000)), "deep nesting");
            case 3:
                {
                    var bytes = Encoding.UTF8.GetBytes("{\"name\":\"ab\"}").ToList();
                    bytes.InsertRange(10, [0xC3, 0x28, 0xFF, 0xFE]);
                    return new HostileRequest(method, path, "application/json", [.. bytes], "invalid utf-8");
                }
            case 4: return Raw(method, path, "{\"name\":\"a\",\"name\":\"b\",\"role\":\"admin\",\"role\":\"viewer\"}", "duplicate keys");
            case 5:
                return new HostileRequest(method, path, Pick(["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml"]),
                Encoding.UTF8.GetBytes("name=x&role=admin"), "wrong content type");
            case 6: return new HostileRequest(method, path, null, Encoding.UTF8.GetBytes("{\"name\":\"x\"}"), "body without content type");
            case 7: return Raw(method, path, "", "empty json body");
            case 8: return Raw(method, path, Pick(["null", "[]", "[{}]", "42", "\"text\"", "true"]), "non-object root");
            case 9: return Raw(method, path, "{\"name\":\"" + new string('A', 5 * 1024 * 1024) + "\"}", "oversized body");
            case 10:
                {
                    // Half a surrogate pair, escaped, as a value or as a key, among otherwise plausible fields.
                    var half = Pick(["\\ud800", "\\udbff", "\\udc00", "\\udfff", "x\\udc00\\ud800y"]);
                    var json = PlausibleBody().ToJsonString();
                    var lone = _random.Next(2) == 0 ? $"\"{Pick(FieldNames)}\":\"{half}\"" : $"\"{half}\":\"v\"";
                    return Raw(method, path, json.Length > 2 ? "{" + lone + "," + json[1..] : "{" + lone + "}", "lone surrogate");
                }
            default: return Raw(method, path, PlausibleBody().ToJsonString(), "hostile fields");
        }
    }

    private JsonObject PlausibleBody()
    {
        var body = new JsonObject();
        for (var i = _random.Next(1, 8); i > 0; i--) body[Pick(FieldNames)] = Value((JsonKind)_random.Next(7));
        return body;
    }

    private enum JsonKind
    {
        String,
        Number,
        Bool,
        Null,
        Array,
        Object,
        Id,
    }

    private JsonNode? Value(JsonKind kind) => kind switch
    {
        JsonKind.String => JsonValue.Create(Pick(HostileStrings)),
        JsonKind.Number => JsonValue.Create(Pick(new double[] { -1, 0, 1.5, 1e15, -1e300, 315360001, 2147483648 })),
        JsonKind.Bool => JsonValue.Create(_random.Next(2) == 0),
        JsonKind.Null => null,
        JsonKind.Array => new JsonArray(Value(JsonKind.String), Value(JsonKind.Number), new JsonObject { ["role"] = Value(JsonKind.String) }),
        JsonKind.Object => new JsonObject { [Pick(FieldNames)] = Value(JsonKind.String), ["$glob"] = "/**" },
        _ => JsonValue.Create(realIds.Count > 0 && _random.Next(2) == 0 ? realIds.Values.ElementAt(_random.Next(realIds.Count)) : Guid.NewGuid().ToString()),
    };

    private string Truncate(string json) => json.Length < 2 ? "{" : json[..(_random.Next(1, json.Length - 1))];

    private static string Nested(int depth) => new string('[', depth) + new string(']', depth);

    private static HostileRequest Raw(string method, string path, string body, string kind) =>
        new(method, path, "application/json", Encoding.UTF8.GetBytes(body), kind);

    private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];
}
