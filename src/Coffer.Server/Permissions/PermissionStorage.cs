using System.Text.Json;
using System.Text.Json.Nodes;

namespace Coffer.Server.Permissions;

/// <summary>
/// The stored form of a role's or privilege's rules: CASL's packed JSON, as Infisical keeps it in its
/// <c>permissions</c> columns (<c>[["read,create","secrets",{conditions}|0,1|0], …]</c>, trailing zeros dropped),
/// so data moves between the two systems unchanged. Placeholders are stored unrendered.
/// </summary>
public static class PermissionStorage
{
    public static string Pack(IEnumerable<PermissionRule> rules)
    {
        var packed = new JsonArray();
        foreach (var rule in rules)
        {
            var entry = new JsonArray(
                JsonValue.Create(string.Join(',', rule.Actions)),
                JsonValue.Create(rule.Subject),
                rule.Conditions is null ? JsonValue.Create(0) : rule.Conditions.ToJson(),
                JsonValue.Create(rule.Inverted ? 1 : 0));
            // CASL's packRule drops trailing falsy members; an empty conditions object is truthy and stays.
            while (entry.Count > 0 && entry[^1] is JsonValue last && last.GetValueKind() == JsonValueKind.Number && last.GetValue<int>() == 0)
                entry.RemoveAt(entry.Count - 1);
            packed.Add(entry);
        }
        return packed.ToJsonString();
    }

    /// <summary>Reads what <see cref="Pack"/> wrote (or Infisical stored); rules come back in the stored shape.</summary>
    public static IReadOnlyList<PermissionRule> Unpack(string packedJson)
    {
        if (JsonNode.Parse(packedJson) is not JsonArray packed)
            throw new InvalidOperationException("Stored permissions are not a JSON array.");

        var rules = new List<PermissionRule>(packed.Count);
        foreach (var node in packed)
        {
            if (node is not JsonArray entry || entry.Count < 2)
                throw new InvalidOperationException("Stored permission rule is not a packed CASL rule.");
            var actions = entry[0]!.GetValue<string>().Split(',');
            var subject = entry[1]!.GetValue<string>();
            var conditions = entry.Count > 2 && entry[2] is JsonObject conditionJson
                ? PermissionJson.CompileStoredConditions(conditionJson)
                : null;
            var inverted = entry.Count > 3 && entry[3] is JsonValue flag && flag.GetValueKind() switch
            {
                JsonValueKind.Number => flag.GetValue<int>() != 0,
                JsonValueKind.True => true,
                _ => false,
            };
            rules.Add(new PermissionRule(subject, actions, conditions, inverted));
        }
        return rules;
    }
}
