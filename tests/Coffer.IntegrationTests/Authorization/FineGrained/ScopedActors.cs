using System.Text.Json.Nodes;

namespace Coffer.IntegrationTests.Authorization.FineGrained;

/// <summary>
/// A secret as a permission check sees it. Name and tags are null where a check has none (an import's source is an
/// environment and a path only).
/// </summary>
public sealed record SecretIdentity(string Environment, string Path, string? Name, IReadOnlyList<string>? Tags)
{
    public override string ToString() => $"{Environment}:{Path}{(Path == "/" ? "" : "/")}{Name}[{string.Join(",", Tags ?? [])}]";
}

/// <summary>
/// A caller whose project role allows everything on folders, imports, tags and environments, and everything on
/// secrets inside one scope and nothing outside it. <see cref="InScope"/> states the scope in plain C# next to the
/// role that grants it, so the suite's expectation for any request is "allowed iff every secret it touches is in scope".
/// </summary>
public sealed record ScopedActor(string Name, string Description, Func<string, JsonArray> SecretRules, Func<string, SecretIdentity, bool> InScopeFor)
{
    public string IdentityId { get; set; } = "";

    public string Token { get; set; } = "";

    public bool InScope(SecretIdentity secret) => InScopeFor(IdentityId, secret);

    /// <summary>The role's permissions: the scope on secrets, and every action on what is not a secret.</summary>
    public object[] Permissions()
    {
        var rules = new List<object>
        {
            new { subject = "secret-folders", action = new[] { "read", "create", "edit", "delete" } },
            new { subject = "secret-imports", action = new[] { "read", "create", "edit", "delete" } },
            new { subject = "tags", action = new[] { "read", "create", "edit", "delete" } },
            new { subject = "environments", action = new[] { "read", "create", "edit", "delete" } },
        };
        rules.AddRange(SecretRules(IdentityId).Select(r => (object)r!));
        return [.. rules];
    }

    private static readonly string[] All = ["describeSecret", "readValue", "create", "edit", "delete"];

    private static JsonObject Rule(JsonObject? conditions, bool inverted = false)
    {
        var rule = new JsonObject { ["subject"] = "secrets", ["action"] = new JsonArray([.. All.Select(a => (JsonNode)a)]) };
        if (conditions is not null) rule["conditions"] = conditions;
        if (inverted) rule["inverted"] = true;
        return rule;
    }

    private static bool Under(string path, string root) => path == root || path.StartsWith(root + "/", StringComparison.Ordinal);

    /// <summary>The six scopes teams give CI and services: environment, path glob, name glob, tag allow, tag deny, identity template.</summary>
    public static IReadOnlyList<ScopedActor> Create() =>
    [
        new("dev-only", "environment dev", _ => [Rule(new JsonObject { ["environment"] = "dev" })],
            (_, s) => s.Environment == "dev"),
        new("app-glob", "secretPath $glob /app/** in any environment", _ => [Rule(new JsonObject { ["secretPath"] = new JsonObject { ["$glob"] = "/app/**" } })],
            (_, s) => Under(s.Path, "/app")),
        new("public-names", "secretName $glob PUBLIC_*", _ => [Rule(new JsonObject { ["secretName"] = new JsonObject { ["$glob"] = "PUBLIC_*" } })],
            (_, s) => s.Name is not null && s.Name.StartsWith("PUBLIC_", StringComparison.Ordinal)),
        new("team-tag", "secretTags $in [team]", _ => [Rule(new JsonObject { ["secretTags"] = new JsonObject { ["$in"] = new JsonArray("team") } })],
            (_, s) => s.Tags is not null && s.Tags.Contains("team")),
        new("not-locked", "everything, inverted on secretTags $in [locked]",
            _ => [Rule(null), Rule(new JsonObject { ["secretTags"] = new JsonObject { ["$in"] = new JsonArray("locked") } }, inverted: true)],
            (_, s) => s.Tags is null || !s.Tags.Contains("locked")),
        new("own-folder", "environment dev, secretPath $glob /{{identity.id}}/** (a template)",
            _ => [Rule(new JsonObject { ["environment"] = "dev", ["secretPath"] = new JsonObject { ["$glob"] = "/{{identity.id}}/**" } })],
            (id, s) => s.Environment == "dev" && Under(s.Path, "/" + id)),
    ];
}
