using System.Text.Json;
using System.Text.Json.Nodes;

namespace Coffer.Server.Permissions;

/// <summary>
/// Builds validation issues with the codes, extra members and default messages zod 3 gives them, so a client that reads
/// Infisical's 422 bodies reads ours the same way. Texts were checked against zod 3.25.
/// </summary>
internal static class ZodIssues
{
    /// <summary>zod's name for a JSON value's type; <paramref name="present"/> false means the key was absent ("undefined").</summary>
    public static string TypeName(JsonNode? node, bool present = true)
    {
        if (!present)
            return "undefined";
        return node switch
        {
            null => "null",
            JsonArray => "array",
            JsonObject => "object",
            _ => node.GetValueKind() switch
            {
                JsonValueKind.String => "string",
                JsonValueKind.Number => "number",
                JsonValueKind.True or JsonValueKind.False => "boolean",
                _ => "unknown",
            },
        };
    }

    public static ValidationIssue InvalidType(IReadOnlyList<object> path, string expected, string received) =>
        new("invalid_type", path, received == "undefined" ? "Required" : $"Expected {expected}, received {received}")
        {
            Expected = expected,
            Received = received,
        };

    public static ValidationIssue InvalidEnumValue(IReadOnlyList<object> path, JsonNode received, string[] options)
    {
        var text = received.GetValueKind() == JsonValueKind.String ? received.GetValue<string>() : received.ToJsonString();
        var issue = new ValidationIssue("invalid_enum_value", path, $"Invalid enum value. Expected {JoinValues(options)}, received '{text}'")
        {
            Extra = new JsonObject { ["options"] = StringArray(options) },
        };
        // zod echoes the received value with its own type; only a string fits the typed Received member.
        return received.GetValueKind() == JsonValueKind.String
            ? issue with { Received = text }
            : issue with { Extra = new JsonObject { ["received"] = received.DeepClone(), ["options"] = StringArray(options) } };
    }

    public static ValidationIssue InvalidUnion(IReadOnlyList<object> path, IEnumerable<IReadOnlyList<ValidationIssue>> branches)
    {
        var unionErrors = new JsonArray();
        foreach (var branch in branches)
        {
            var issues = new JsonArray();
            foreach (var issue in branch)
                issues.Add(ToJson(issue));
            unionErrors.Add(new JsonObject { ["issues"] = issues, ["name"] = "ZodError" });
        }
        return new ValidationIssue("invalid_union", path, "Invalid input") { Extra = new JsonObject { ["unionErrors"] = unionErrors } };
    }

    public static ValidationIssue InvalidDiscriminator(IReadOnlyList<object> path, string[] options) =>
        new("invalid_union_discriminator", path, $"Invalid discriminator value. Expected {JoinValues(options)}")
        {
            Extra = new JsonObject { ["options"] = StringArray(options) },
        };

    public static ValidationIssue ArrayTooSmall(IReadOnlyList<object> path, int minimum) =>
        new("too_small", path, $"Array must contain at least {minimum} element(s)")
        {
            Extra = new JsonObject { ["minimum"] = minimum, ["type"] = "array", ["inclusive"] = true, ["exact"] = false },
        };

    public static ValidationIssue Custom(IReadOnlyList<object> path, string message) => new("custom", path, message);

    /// <summary>What zod's <c>.strict()</c> reports for keys a schema does not know.</summary>
    public static ValidationIssue UnrecognizedKeys(IReadOnlyList<object> path, IReadOnlyList<string> keys) =>
        new("unrecognized_keys", path, "Unrecognized key(s) in object: " + string.Join(", ", keys.Select(k => $"'{k}'")))
        {
            Extra = new JsonObject { ["keys"] = StringArray(keys) },
        };

    /// <summary>An issue as zod serialises it, for nesting inside <c>unionErrors</c>.</summary>
    public static JsonObject ToJson(ValidationIssue issue)
    {
        var json = new JsonObject { ["code"] = issue.Code };
        if (issue.Expected is not null)
            json["expected"] = issue.Expected;
        if (issue.Received is not null)
            json["received"] = issue.Received;
        if (issue.Extra is not null)
        {
            foreach (var (key, value) in issue.Extra)
                json[key] = value?.DeepClone();
        }
        var path = new JsonArray();
        foreach (var segment in issue.Path)
            path.Add(segment is int index ? JsonValue.Create(index) : JsonValue.Create(segment.ToString()));
        json["path"] = path;
        json["message"] = issue.Message;
        return json;
    }

    public static IReadOnlyList<object> Append(IReadOnlyList<object> path, object segment)
    {
        var next = new object[path.Count + 1];
        for (var i = 0; i < path.Count; i++)
            next[i] = path[i];
        next[^1] = segment;
        return next;
    }

    // zod's util.joinValues: strings quoted with single quotes, joined by " | ".
    public static string JoinValues(IEnumerable<string> values) => string.Join(" | ", values.Select(v => $"'{v}'"));

    private static JsonArray StringArray(IEnumerable<string> values)
    {
        var array = new JsonArray();
        foreach (var value in values)
            array.Add(value);
        return array;
    }
}
