using System.Text.Json.Nodes;

namespace Coffer.Server.Permissions;

/// <summary>
/// A rule's conditions, compiled: every field must hold (CASL's implicit <c>$and</c>), and within a field every operator.
/// Semantics follow ucast's JS interpreter as CASL's mongo matcher uses it, with Infisical's <c>$glob</c> added.
/// </summary>
public sealed class RuleConditions
{
    internal RuleConditions(FieldCondition[] fields)
    {
        Fields = fields;
        foreach (var field in fields)
            HasPlaceholders |= field.HasPlaceholders;
    }

    internal FieldCondition[] Fields { get; }

    internal bool HasPlaceholders { get; }

    /// <summary>Whether an object with these fields satisfies every condition.</summary>
    /// <remarks>Generic so that a struct's fields (a listed secret's) are read without boxing.</remarks>
    public bool Matches<TFields>(in TFields subject) where TFields : ISubjectFields
    {
        foreach (var field in Fields)
        {
            var present = subject.TryGet(field.Field, out var value);
            // ucast reads {} as "equals an empty object", which no string or list ever is.
            if (field.Tests.Length == 0)
                return false;
            foreach (var test in field.Tests)
            {
                if (!test.Matches(present, value))
                    return false;
            }
        }
        return true;
    }

    /// <summary>The conditions as JSON, in the normalised shape the parser produced (schema field and operator order).</summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject();
        foreach (var field in Fields)
            json[field.Field] = field.ToJson();
        return json;
    }

    internal RuleConditions Render(ActorTemplateContext actor)
    {
        if (!HasPlaceholders)
            return this;
        var rendered = new FieldCondition[Fields.Length];
        for (var i = 0; i < Fields.Length; i++)
            rendered[i] = Fields[i].Render(actor);
        return new RuleConditions(rendered);
    }
}

internal sealed class FieldCondition(string field, bool shorthand, ConditionTest[] tests)
{
    public string Field { get; } = field;

    /// <summary>Written as a plain string (meaning <c>$eq</c>); kept so the rule serialises back as it was written.</summary>
    public bool Shorthand { get; } = shorthand;

    public ConditionTest[] Tests { get; } = tests;

    public bool HasPlaceholders
    {
        get
        {
            foreach (var test in Tests)
            {
                if (test.HasPlaceholders)
                    return true;
            }
            return false;
        }
    }

    public JsonNode ToJson()
    {
        if (Shorthand)
            return JsonValue.Create(Tests[0].Value!);
        var ops = new JsonObject();
        foreach (var test in Tests)
            ops[test.Operator] = test.ToJson();
        return ops;
    }

    public FieldCondition Render(ActorTemplateContext actor)
    {
        var tests = new ConditionTest[Tests.Length];
        for (var i = 0; i < Tests.Length; i++)
            tests[i] = Tests[i].Render(actor);
        return new FieldCondition(Field, Shorthand, tests);
    }
}

/// <summary>One operator applied to one field: <c>$eq</c>, <c>$ne</c>, <c>$in</c>, <c>$glob</c> or <c>$elemMatch</c>.</summary>
internal sealed class ConditionTest
{
    private ConditionTest(string op, string? value, string[]? values, JsonObject? elemMatch)
    {
        Operator = op;
        Value = value;
        Values = values;
        ElemMatch = elemMatch;
    }

    public string Operator { get; }
    public string? Value { get; }
    public string[]? Values { get; }
    public JsonObject? ElemMatch { get; }
    // Compiled on first use, so a pattern that still holds placeholders is only ever compiled in its rendered form.
    public GlobPattern Glob => field ??= GlobPattern.Get(Value!);

    public static ConditionTest Single(string op, string value) => new(op, value, null, null);
    public static ConditionTest List(string op, string[] values) => new(op, null, values, null);
    public static ConditionTest ElementMatch(JsonObject query) => new(Op.ElemMatch, null, null, query);

    public bool HasPlaceholders =>
        (Value is not null && PermissionTemplate.HasPlaceholder(Value))
        || (Values is not null && Array.Exists(Values, PermissionTemplate.HasPlaceholder))
        || (ElemMatch is not null && PermissionTemplate.HasPlaceholder(ElemMatch.ToJsonString()));

    public bool Matches(bool present, FieldValue field)
    {
        switch (Operator)
        {
            case Op.Eq:
                return present && EqualsOrContains(field, Value!);
            case Op.Ne:
                // ucast's $ne is "not $eq", so a missing field satisfies it.
                return !(present && EqualsOrContains(field, Value!));
            case Op.In:
                return present && AnyIn(field, Values!);
            case Op.Glob:
                return present && AnyGlobMatch(field, Glob);
            default:
                // $elemMatch: some metadata entry of a dynamic secret satisfies every test on its key and value.
                return present && field.Pairs is { } pairs && pairs.Any(p => ElementMatches(ElemMatch!, p));
        }
    }

    private static bool ElementMatches(JsonObject query, KeyValuePair<string, string> entry)
    {
        foreach (var (name, tests) in query)
        {
            string? actual = name switch { "key" => entry.Key, "value" => entry.Value, _ => null };
            if (actual is null) return false;
            if (tests is JsonValue literal)
            {
                if (literal.TryGetValue<string>(out var s) && s == actual) continue;
                return false;
            }
            if (tests is not JsonObject ops) return false;
            foreach (var (op, arg) in ops)
            {
                var ok = op switch
                {
                    Op.Eq => arg is JsonValue v && v.TryGetValue<string>(out var eq) && eq == actual,
                    Op.Ne => !(arg is JsonValue v2 && v2.TryGetValue<string>(out var ne) && ne == actual),
                    Op.In => arg is JsonArray list && list.Any(x => x is JsonValue xv && xv.TryGetValue<string>(out var item) && item == actual),
                    _ => false,
                };
                if (!ok) return false;
            }
        }
        return true;
    }

    public JsonNode ToJson() => Operator switch
    {
        Op.In => new JsonArray([.. Values!.Select(v => (JsonNode?)JsonValue.Create(v))]),
        Op.ElemMatch => ElemMatch!.DeepClone(),
        _ => JsonValue.Create(Value!),
    };

    public ConditionTest Render(ActorTemplateContext actor)
    {
        if (!HasPlaceholders)
            return this;
        if (Values is not null)
        {
            var rendered = new string[Values.Length];
            for (var i = 0; i < Values.Length; i++)
                rendered[i] = PermissionTemplate.Render(Values[i], actor);
            return List(Operator, rendered);
        }
        if (ElemMatch is not null)
            return ElementMatch(RenderStrings(ElemMatch.DeepClone(), actor).AsObject());
        // A value pasted into a glob is matched literally: an identity named or tagged "**" must not widen its own scope.
        return Single(Operator, PermissionTemplate.Render(Value!, actor, Operator == Op.Glob ? GlobPattern.EscapeLiteral : null));
    }

    private static JsonNode RenderStrings(JsonNode node, ActorTemplateContext actor)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var key in obj.Select(p => p.Key).ToList())
                    obj[key] = obj[key] is { } child ? RenderStrings(child.DeepClone(), actor) : null;
                return obj;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                    array[i] = array[i] is { } child ? RenderStrings(child.DeepClone(), actor) : null;
                return array;
            default:
                return node.GetValueKind() == System.Text.Json.JsonValueKind.String
                    ? JsonValue.Create(PermissionTemplate.Render(node.GetValue<string>(), actor))
                    : node;
        }
    }

    private static bool EqualsOrContains(FieldValue field, string expected)
    {
        if (field.List is { } list)
        {
            for (var i = 0; i < list.Count; i++)
            {
                if (string.Equals(list[i], expected, StringComparison.Ordinal))
                    return true;
            }
            return false;
        }
        return string.Equals(field.Text, expected, StringComparison.Ordinal);
    }

    private static bool AnyIn(FieldValue field, string[] allowed)
    {
        if (field.List is { } list)
        {
            for (var i = 0; i < list.Count; i++)
            {
                if (Contains(allowed, list[i]))
                    return true;
            }
            return false;
        }
        return field.Text is not null && Contains(allowed, field.Text);
    }

    private static bool AnyGlobMatch(FieldValue field, GlobPattern glob)
    {
        if (field.List is { } list)
        {
            for (var i = 0; i < list.Count; i++)
            {
                if (glob.IsMatch(list[i]))
                    return true;
            }
            return false;
        }
        return field.Text is not null && glob.IsMatch(field.Text);
    }

    private static bool Contains(string[] values, string value)
    {
        foreach (var candidate in values)
        {
            if (string.Equals(candidate, value, StringComparison.Ordinal))
                return true;
        }
        return false;
    }
}
