using System.Text.Json.Nodes;

namespace Coffer.Server.Permissions;

/// <summary>
/// One CASL rule: <paramref name="subject"/>, the actions it covers, optional conditions, and whether it forbids.
/// Built with this constructor a rule has the shape CASL gives rules read back from storage (action and subject as lists,
/// <c>inverted</c> always present), which is what denial details and role responses show for custom roles and privileges.
/// </summary>
public sealed class PermissionRule(string subject, IReadOnlyList<string> actions, RuleConditions? conditions = null, bool inverted = false)
{
    public string Subject { get; } = subject;

    public IReadOnlyList<string> Actions { get; } = actions;

    /// <summary>Null when the rule applies to every object of the subject.</summary>
    public RuleConditions? Conditions { get; } = conditions;

    public bool Inverted { get; } = inverted;

    internal RuleShape Shape { get; private init; } = RuleShape.Stored;

    /// <summary>A built-in role's <c>can(action, subject)</c>: CASL keeps the single action as a string.</summary>
    internal static PermissionRule BuiltIn(string subject, string action) =>
        new(subject, [action]) { Shape = RuleShape.BuiltInSingleAction };

    /// <summary>A built-in role's <c>can([actions], subject)</c>.</summary>
    internal static PermissionRule BuiltIn(string subject, string[] actions) =>
        new(subject, actions) { Shape = RuleShape.BuiltInActionList };

    internal PermissionRule WithConditions(RuleConditions? conditions) =>
        new(Subject, Actions, conditions, Inverted) { Shape = Shape };

    internal bool Covers(string action)
    {
        for (var i = 0; i < Actions.Count; i++)
        {
            if (string.Equals(Actions[i], action, StringComparison.Ordinal))
                return true;
        }
        return false;
    }

    /// <summary>The rule as Infisical's error handler lists it in a denial: <c>{action, inverted, subject, conditions?}</c>.</summary>
    public JsonObject ToDenialDetail()
    {
        var detail = new JsonObject
        {
            ["action"] = Shape == RuleShape.BuiltInSingleAction ? JsonValue.Create(Actions[0]) : ActionsJson(),
            ["inverted"] = Inverted,
            ["subject"] = Shape == RuleShape.Stored ? new JsonArray(JsonValue.Create(Subject)) : JsonValue.Create(Subject),
        };
        if (Conditions is not null)
            detail["conditions"] = Conditions.ToJson();
        return detail;
    }

    /// <summary>
    /// The rule as role and privilege responses return it (Infisical's <c>UnpackedPermissionSchema</c>):
    /// <c>{subject, action: [...], conditions?, inverted}</c>; built-in rules, never stored, carry no <c>inverted</c>.
    /// </summary>
    public JsonObject ToUnpackedJson()
    {
        var json = new JsonObject
        {
            ["subject"] = Subject,
            ["action"] = ActionsJson(),
        };
        if (Conditions is not null)
            json["conditions"] = Conditions.ToJson();
        if (Shape == RuleShape.Stored)
            json["inverted"] = Inverted;
        return json;
    }

    private JsonArray ActionsJson()
    {
        var array = new JsonArray();
        foreach (var action in Actions)
            array.Add(action);
        return array;
    }
}

/// <summary>How CASL would hold the rule, which decides how it prints.</summary>
internal enum RuleShape
{
    Stored,
    BuiltInSingleAction,
    BuiltInActionList,
}
