using System.Text.Json;
using System.Text.Json.Nodes;
using Coffer.Server.Http;
using Coffer.Server.Http.Validation;

namespace Coffer.Server.Features.IdentityMemberships;

/// <summary>One item of a membership's <c>roles</c>: permanent, or temporary from a start time for a range.</summary>
public sealed record RoleAssignment(string Role, bool IsTemporary, string? TemporaryRange = null, DateTime? TemporaryAccessStartTime = null,
    double? RangeMilliseconds = null)
{
    public const string RelativeMode = "relative";

    public DateTime? TemporaryAccessEndTime => TemporaryAccessStartTime is { } start && RangeMilliseconds is { } range
        ? start.AddMilliseconds(range)
        : null;

    /// <summary>The item as it appears in audit metadata (what the request asked for).</summary>
    public JsonObject ToJson()
    {
        var o = new JsonObject { ["role"] = Role, ["isTemporary"] = IsTemporary };
        if (IsTemporary)
        {
            o["temporaryMode"] = RelativeMode;
            o["temporaryRange"] = TemporaryRange;
            o["temporaryAccessStartTime"] = TemporaryAccessStartTime is { } s ? ApiJson.FormatTime(s) : null;
        }
        return o;
    }
}

/// <summary>
/// Reads <c>roles[]</c> as Infisical's zod union of a permanent and a temporary item, reporting failures the way zod
/// does: the issues of an option that failed only its refinements, else one <c>invalid_union</c> with both options' issues.
/// </summary>
public static class RoleAssignmentReader
{
    public static IReadOnlyList<RoleAssignment>? Read(Input body, string name, int? min = null)
    {
        var array = body.Array(name, min: min);
        if (array is null) return null;
        var result = new List<RoleAssignment>(array.Count);
        for (var i = 0; i < array.Count; i++)
        {
            object[] path = [.. body.PathOf(name), i];
            var item = array[i];
            var permanent = new List<ValidationIssue>();
            var asPermanent = ReadPermanent(item, path, permanent);
            if (asPermanent is not null)
            {
                result.Add(asPermanent);
                continue;
            }
            var temporary = new List<ValidationIssue>();
            var asTemporary = ReadTemporary(item, path, temporary);
            if (asTemporary is not null)
            {
                result.Add(asTemporary);
                continue;
            }
            if (OnlySoft(permanent)) permanent.ForEach(body.AddIssue);
            else if (OnlySoft(temporary)) temporary.ForEach(body.AddIssue);
            else body.AddIssue(Union(path, permanent, temporary));
        }
        return result;
    }

    private static RoleAssignment? ReadPermanent(JsonNode? item, object[] path, List<ValidationIssue> issues)
    {
        if (item is not JsonObject o)
        {
            issues.Add(Input.TypeIssue(path, "object", Input.TypeName(item)));
            return null;
        }
        var role = ReadString(o, "role", path, issues);
        if (o.TryGetPropertyValue("isTemporary", out var flag) && !IsLiteral(flag, false))
            issues.Add(Literal([.. path, "isTemporary"], false, flag));
        return issues.Count == 0 ? new RoleAssignment(role!, false) : null;
    }

    private static RoleAssignment? ReadTemporary(JsonNode? item, object[] path, List<ValidationIssue> issues)
    {
        if (item is not JsonObject o)
        {
            issues.Add(Input.TypeIssue(path, "object", Input.TypeName(item)));
            return null;
        }
        var role = ReadString(o, "role", path, issues);
        if (!o.TryGetPropertyValue("isTemporary", out var flag) || !IsLiteral(flag, true))
            issues.Add(Literal([.. path, "isTemporary"], true, flag));
        if (!o.TryGetPropertyValue("temporaryMode", out var mode) || mode is not JsonValue mv || mv.GetValueKind() != JsonValueKind.String
            || mv.GetValue<string>() != RoleAssignment.RelativeMode)
            issues.Add(new ValidationIssue("invalid_literal", [.. path, "temporaryMode"], "Invalid literal value, expected \"relative\"")
            {
                Extra = new JsonObject { ["expected"] = RoleAssignment.RelativeMode, ["received"] = mode?.DeepClone() },
            });
        var range = ReadString(o, "temporaryRange", path, issues);
        var start = ReadString(o, "temporaryAccessStartTime", path, issues);
        if (issues.Count > 0) return null;

        // The refinements run only once the shape is right, as zod runs them.
        var ms = Duration.ParseMilliseconds(range!);
        if (ms is null or <= 0)
            issues.Add(new ValidationIssue("custom", [.. path, "temporaryRange"], "Temporary range must be a positive number"));
        if (!IsoDateTime.TryParseUtc(start!, out var startUtc))
            issues.Add(new ValidationIssue("invalid_string", [.. path, "temporaryAccessStartTime"], "Invalid datetime")
            {
                Extra = new JsonObject { ["validation"] = "datetime" },
            });
        return issues.Count == 0 ? new RoleAssignment(role!, true, range, startUtc, ms) : null;
    }

    private static string? ReadString(JsonObject o, string field, object[] path, List<ValidationIssue> issues)
    {
        if (!o.TryGetPropertyValue(field, out var node))
        {
            issues.Add(Input.TypeIssue([.. path, field], "string", "undefined"));
            return null;
        }
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.String) return v.GetValue<string>();
        issues.Add(Input.TypeIssue([.. path, field], "string", Input.TypeName(node)));
        return null;
    }

    private static bool IsLiteral(JsonNode? node, bool expected) =>
        node is JsonValue v && v.GetValueKind() == (expected ? JsonValueKind.True : JsonValueKind.False);

    private static ValidationIssue Literal(object[] path, bool expected, JsonNode? received) =>
        new("invalid_literal", path, $"Invalid literal value, expected {(expected ? "true" : "false")}")
        {
            Extra = new JsonObject { ["expected"] = expected, ["received"] = received?.DeepClone() },
        };

    /// <summary>zod aborts on type and literal mismatches; failed refinements and string formats only make the result dirty.</summary>
    private static bool OnlySoft(List<ValidationIssue> issues) =>
        issues.Count > 0 && issues.All(i => i.Code is not ("invalid_type" or "invalid_literal" or "invalid_union" or "invalid_enum_value"));

    private static ValidationIssue Union(object[] path, List<ValidationIssue> first, List<ValidationIssue> second)
    {
        static JsonObject Error(List<ValidationIssue> issues) => new()
        {
            ["issues"] = new JsonArray(issues.Select(i => (JsonNode)ErrorEnvelope.IssueToJson(i)).ToArray()),
            ["name"] = "ZodError",
        };
        return new ValidationIssue("invalid_union", path, "Invalid input")
        {
            Extra = new JsonObject { ["unionErrors"] = new JsonArray(Error(first), Error(second)) },
        };
    }
}
