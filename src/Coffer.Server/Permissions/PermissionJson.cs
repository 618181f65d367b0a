using System.Text.Json;
using System.Text.Json.Nodes;

namespace Coffer.Server.Permissions;

/// <summary>The outcome of validating a <c>permissions</c> array, for callers that merge its issues with other body fields.</summary>
/// <param name="Rules">The rules that parsed; complete only when <paramref name="Issues"/> is empty.</param>
/// <param name="Issues">zod-shaped issues, in document order.</param>
/// <param name="Aborted">
/// True when some issue is of the kind that makes zod drop the value (wrong type, unknown subject or action). Infisical's
/// legacy read/readValue check runs as a refinement, which zod still runs when the only issues are refinement failures.
/// </param>
public sealed record PermissionValidation(IReadOnlyList<PermissionRule> Rules, IReadOnlyList<ValidationIssue> Issues, bool Aborted);

/// <summary>
/// Reads and writes the permission JSON of custom roles and additional privileges (Infisical's <c>ProjectPermissionV2Schema</c>
/// array): <c>[{subject, action: "a" | ["a", …], conditions?, inverted?}]</c>.
/// <para>
/// Where zod would silently strip something that changes what a rule grants, Coffer refuses it instead (422): an unknown
/// condition field or operator (zod strips it, widening or voiding the rule), and <c>inverted: true</c> or conditions on a
/// subject whose schema has neither (zod strips them, turning a deny into an allow). Everything Infisical accepts and
/// keeps, Coffer accepts and keeps.
/// </para>
/// </summary>
public static class PermissionJson
{
    public const string SecretPathMissingSlash = "Invalid Secret Path; it must start with a '/'";

    private static readonly IReadOnlyList<object> PermissionsPath = ["permissions"];

    /// <summary>Validates project rules and throws 422 <see cref="ValidationException"/> or, for the legacy read mix, 400.</summary>
    public static IReadOnlyList<PermissionRule> ParseProject(JsonNode? permissions, IReadOnlyList<object>? path = null) =>
        Parse(ValidateProject(permissions, path), checkLegacyRead: true);

    /// <summary>Validates organization rules and throws 422 <see cref="ValidationException"/>.</summary>
    public static IReadOnlyList<PermissionRule> ParseOrg(JsonNode? permissions, IReadOnlyList<object>? path = null) =>
        Parse(ValidateOrg(permissions, path), checkLegacyRead: false);

    /// <param name="permissions">The value of the <c>permissions</c> key; null when the key is absent (or JSON null).</param>
    /// <param name="path">Where the array sits in the request body; <c>["permissions"]</c> unless told.</param>
    public static PermissionValidation ValidateProject(JsonNode? permissions, IReadOnlyList<object>? path = null) =>
        new Validator(ProjectPermissionVocabulary.Instance).Validate(permissions, path ?? PermissionsPath);

    /// <summary>Rules in the deprecated V1 form (<see cref="ProjectPermissionVocabulary.V1"/>), before the backfill.</summary>
    public static PermissionValidation ValidateProjectV1(JsonNode? permissions, IReadOnlyList<object>? path = null) =>
        new Validator(ProjectPermissionVocabulary.V1).Validate(permissions, path ?? PermissionsPath);

    public static PermissionValidation ValidateOrg(JsonNode? permissions, IReadOnlyList<object>? path = null) =>
        new Validator(OrgPermissionVocabulary.Instance).Validate(permissions, path ?? PermissionsPath);

    /// <summary>
    /// Infisical's <c>checkForInvalidPermissionCombination</c>: a secrets rule may not mix the legacy <c>read</c> with
    /// <c>readValue</c> or <c>describeSecret</c>. Throws 400 with Infisical's text for the first offending rule.
    /// </summary>
    public static void ThrowIfLegacyReadMixed(IEnumerable<PermissionRule> rules)
    {
        foreach (var rule in rules)
        {
            if (rule.Subject != ProjectSubject.Secrets || !rule.Covers(PermissionAction.DescribeAndReadValue))
                continue;
            var readValue = rule.Covers(PermissionAction.ReadValue);
            var describe = rule.Covers(PermissionAction.DescribeSecret);
            if (!readValue && !describe)
                continue;
            var selected = readValue && describe ? "both Read Value and Describe Secret" : readValue ? "Read Value" : "Describe Secret";
            throw new BadRequestException(
                $"You have selected Read, and {selected}. You cannot select Read Value or Describe Secret if you have selected Read. " +
                "The Read permission is a legacy action which has been replaced by Describe Secret and Read Value.");
        }
    }

    /// <summary>Rules as role and privilege responses return them: <c>[{subject, action: [...], conditions?, inverted}]</c>.</summary>
    public static JsonArray ToUnpackedJson(IEnumerable<PermissionRule> rules)
    {
        var array = new JsonArray();
        foreach (var rule in rules)
            array.Add(rule.ToUnpackedJson());
        return array;
    }

    private static IReadOnlyList<PermissionRule> Parse(PermissionValidation validation, bool checkLegacyRead)
    {
        if (checkLegacyRead && !validation.Aborted)
            ThrowIfLegacyReadMixed(validation.Rules);
        if (validation.Issues.Count > 0)
            throw new ValidationException(validation.Issues);
        return validation.Rules;
    }

    /// <summary>Compiles conditions read back from storage, where they were validated on the way in.</summary>
    internal static RuleConditions? CompileStoredConditions(JsonObject conditions)
    {
        var validator = new Validator(ProjectPermissionVocabulary.Instance);
        return validator.ParseConditionFields(conditions, specs: null, []);
    }

    private sealed class Validator(PermissionVocabulary vocabulary)
    {
        private readonly List<ValidationIssue> _issues = [];
        private bool _aborted;

        public PermissionValidation Validate(JsonNode? node, IReadOnlyList<object> path)
        {
            var rules = new List<PermissionRule>();
            if (node is not JsonArray array)
            {
                Abort(ZodIssues.InvalidType(path, "array", ZodIssues.TypeName(node, present: node is not null)));
                return new PermissionValidation(rules, _issues, _aborted);
            }

            for (var i = 0; i < array.Count; i++)
            {
                var rule = ParseRule(array[i], ZodIssues.Append(path, i));
                if (rule is not null)
                    rules.Add(rule);
            }
            return new PermissionValidation(rules, _issues, _aborted);
        }

        private PermissionRule? ParseRule(JsonNode? node, IReadOnlyList<object> path)
        {
            if (node is not JsonObject rule)
            {
                Abort(ZodIssues.InvalidType(path, "object", ZodIssues.TypeName(node)));
                return null;
            }

            var spec = rule["subject"] is JsonValue subject && subject.GetValueKind() == JsonValueKind.String
                ? vocabulary.Find(subject.GetValue<string>())
                : null;
            if (spec is null)
            {
                Abort(ZodIssues.InvalidDiscriminator(ZodIssues.Append(path, "subject"), vocabulary.SubjectNames));
                return null;
            }

            var abortedBefore = _aborted;
            _aborted = false;
            var inverted = ParseInverted(rule, spec, path);
            var actions = ParseActions(rule, spec, ZodIssues.Append(path, "action"));
            var conditions = ParseConditions(rule, spec, ZodIssues.Append(path, "conditions"));
            var ruleAborted = _aborted;
            _aborted |= abortedBefore;
            return ruleAborted || actions is null ? null : new PermissionRule(spec.Name, actions, conditions, inverted);
        }

        private bool ParseInverted(JsonObject rule, SubjectSpec spec, IReadOnlyList<object> path)
        {
            if (!rule.TryGetPropertyValue("inverted", out var node))
                return false;
            var isBoolean = node is JsonValue value && value.GetValueKind() is JsonValueKind.True or JsonValueKind.False;
            if (!spec.AllowsInverted)
            {
                if (isBoolean && node!.GetValue<bool>())
                    Abort(ZodIssues.Custom(ZodIssues.Append(path, "inverted"), $"Inverted rules are not supported for subject '{spec.Name}'"));
                return false;
            }
            if (!isBoolean)
            {
                Abort(ZodIssues.InvalidType(ZodIssues.Append(path, "inverted"), "boolean", ZodIssues.TypeName(node)));
                return false;
            }
            return node!.GetValue<bool>();
        }

        // CASL_ACTION_SCHEMA_*: z.union([enum, enum.array().min(1)]) transformed to an array.
        private string[]? ParseActions(JsonObject rule, SubjectSpec spec, IReadOnlyList<object> path)
        {
            var present = rule.TryGetPropertyValue("action", out var node);
            var enumText = ZodIssues.JoinValues(spec.Actions);

            if (node is JsonValue single && single.GetValueKind() == JsonValueKind.String)
            {
                var action = single.GetValue<string>();
                if (Array.IndexOf(spec.Actions, action) >= 0)
                    return [action];
                Abort(ZodIssues.InvalidUnion(path,
                [
                    [ZodIssues.InvalidEnumValue(path, single, spec.Actions)],
                    [ZodIssues.InvalidType(path, "array", "string")],
                ]));
                return null;
            }

            if (node is JsonArray list)
            {
                if (list.Count == 0)
                {
                    Abort(ZodIssues.ArrayTooSmall(path, 1));
                    return null;
                }
                var actions = new string[list.Count];
                var elementIssues = new List<ValidationIssue>();
                for (var i = 0; i < list.Count; i++)
                {
                    var element = list[i];
                    var elementPath = ZodIssues.Append(path, i);
                    if (element is JsonValue v && v.GetValueKind() == JsonValueKind.String && Array.IndexOf(spec.Actions, v.GetValue<string>()) >= 0)
                        actions[i] = v.GetValue<string>();
                    else if (element is JsonValue scalar && scalar.GetValueKind() is JsonValueKind.String or JsonValueKind.Number)
                        elementIssues.Add(ZodIssues.InvalidEnumValue(elementPath, scalar, spec.Actions));
                    else
                        elementIssues.Add(ZodIssues.InvalidType(elementPath, enumText, ZodIssues.TypeName(element)));
                }
                if (elementIssues.Count == 0)
                    return actions;
                Abort(ZodIssues.InvalidUnion(path, [[ZodIssues.InvalidType(path, enumText, "array")], elementIssues]));
                return null;
            }

            var received = ZodIssues.TypeName(node, present);
            Abort(ZodIssues.InvalidUnion(path,
            [
                // Most action enums are TypeScript enums, which zod also lets numbers try (and fail) as values.
                [node is JsonValue number && number.GetValueKind() == JsonValueKind.Number
                    ? ZodIssues.InvalidEnumValue(path, number, spec.Actions)
                    : ZodIssues.InvalidType(path, enumText, received)],
                [ZodIssues.InvalidType(path, "array", received)],
            ]));
            return null;
        }

        private RuleConditions? ParseConditions(JsonObject rule, SubjectSpec spec, IReadOnlyList<object> path)
        {
            if (!rule.TryGetPropertyValue("conditions", out var node))
                return null;
            if (!spec.AllowsConditions)
            {
                if (node is null || node is JsonObject { Count: 0 })
                    return null;
                Abort(ZodIssues.Custom(path, $"Conditions are not supported for subject '{spec.Name}'"));
                return null;
            }
            if (node is not JsonObject conditions)
            {
                Abort(ZodIssues.InvalidType(path, "object", ZodIssues.TypeName(node)));
                return null;
            }
            return ParseConditionFields(conditions, spec.ConditionFields, path);
        }

        /// <param name="specs">The subject's fields; null for conditions read back from storage, taken as written.</param>
        public RuleConditions? ParseConditionFields(JsonObject conditions, FieldSpec[]? specs, IReadOnlyList<object> path)
        {
            var fields = new List<FieldCondition>();
            if (specs is null)
            {
                foreach (var (name, value) in conditions)
                {
                    var asWritten = new FieldSpec(name, [Op.Eq, Op.Ne, Op.In, Op.Glob])
                    {
                        IsElemMatch = value is JsonObject o && o.ContainsKey(Op.ElemMatch),
                    };
                    fields.Add(ParseField(asWritten, value, path)
                        ?? throw new InvalidOperationException($"Stored permission condition '{name}' is malformed."));
                }
                return new RuleConditions([.. fields]);
            }

            var unknown = conditions.Select(p => p.Key).Where(key => Array.Find(specs, s => s.Name == key) is null).ToList();
            if (unknown.Count > 0)
                Dirty(ZodIssues.UnrecognizedKeys(path, unknown));

            var ok = true;
            foreach (var spec in specs)
            {
                if (!conditions.TryGetPropertyValue(spec.Name, out var value))
                    continue;
                var field = ParseField(spec, value, ZodIssues.Append(path, spec.Name));
                if (field is null)
                    ok = false;
                else
                    fields.Add(field);
            }
            return ok ? new RuleConditions([.. fields]) : null;
        }

        private FieldCondition? ParseField(FieldSpec spec, JsonNode? value, IReadOnlyList<object> path)
        {
            if (spec.IsElemMatch)
                return ParseElemMatch(value, path) is { } query ? new FieldCondition(spec.Name, false, [ConditionTest.ElementMatch(query)]) : null;

            if (value is JsonValue text && text.GetValueKind() == JsonValueKind.String)
            {
                if (!spec.AllowsShorthand)
                {
                    Abort(ZodIssues.InvalidType(path, "object", "string"));
                    return null;
                }
                var s = text.GetValue<string>();
                if (spec.IsPath && !s.StartsWith('/'))
                    Dirty(ZodIssues.Custom(path, SecretPathMissingSlash));
                return new FieldCondition(spec.Name, true, [ConditionTest.Single(Op.Eq, s)]);
            }

            if (value is JsonObject operators)
            {
                var issuesBefore = _issues.Count;
                var abortedBefore = _aborted;
                _aborted = false;
                var tests = ParseOperators(operators, spec.Operators, spec.IsPath, path);
                var operatorsAborted = _aborted;
                _aborted = abortedBefore;
                if (!operatorsAborted)
                    return new FieldCondition(spec.Name, false, tests);

                if (spec.AllowsShorthand)
                {
                    // The string branch of the union failed too, so zod reports both branches.
                    var branchIssues = _issues.GetRange(issuesBefore, _issues.Count - issuesBefore);
                    _issues.RemoveRange(issuesBefore, _issues.Count - issuesBefore);
                    Abort(ZodIssues.InvalidUnion(path, [[ZodIssues.InvalidType(path, "string", "object")], branchIssues]));
                }
                else
                {
                    _aborted = true;
                }
                return null;
            }

            var received = ZodIssues.TypeName(value);
            Abort(spec.AllowsShorthand
                ? ZodIssues.InvalidUnion(path, [[ZodIssues.InvalidType(path, "string", received)], [ZodIssues.InvalidType(path, "object", received)]])
                : ZodIssues.InvalidType(path, "object", received));
            return null;
        }

        private ConditionTest[] ParseOperators(JsonObject operators, string[] allowed, bool isPath, IReadOnlyList<object> path)
        {
            var unknown = operators.Select(p => p.Key).Where(key => Array.IndexOf(allowed, key) < 0).ToList();
            if (unknown.Count > 0)
                Dirty(ZodIssues.UnrecognizedKeys(path, unknown));

            var tests = new List<ConditionTest>();
            foreach (var op in allowed)
            {
                if (!operators.TryGetPropertyValue(op, out var node))
                    continue;
                var opPath = ZodIssues.Append(path, op);
                if (op == Op.In)
                {
                    if (ParseStringArray(node, opPath) is not { } values)
                        continue;
                    if (isPath && !Array.TrueForAll(values, v => v.StartsWith('/')))
                        Dirty(ZodIssues.Custom(opPath, SecretPathMissingSlash));
                    tests.Add(ConditionTest.List(op, values));
                    continue;
                }
                if (node is not JsonValue text || text.GetValueKind() != JsonValueKind.String)
                {
                    Abort(ZodIssues.InvalidType(opPath, "string", ZodIssues.TypeName(node)));
                    continue;
                }
                var value = text.GetValue<string>();
                if (op == Op.Glob && value.Length == 0)
                {
                    // picomatch throws on an empty pattern when the rule is evaluated; refuse it up front instead.
                    Dirty(ZodIssues.Custom(opPath, "Invalid glob pattern"));
                    continue;
                }
                if (isPath && op != Op.Glob && !value.StartsWith('/'))
                    Dirty(ZodIssues.Custom(opPath, SecretPathMissingSlash));
                tests.Add(ConditionTest.Single(op, value));
            }
            return [.. tests];
        }

        private string[]? ParseStringArray(JsonNode? node, IReadOnlyList<object> path)
        {
            if (node is not JsonArray array)
            {
                Abort(ZodIssues.InvalidType(path, "array", ZodIssues.TypeName(node)));
                return null;
            }
            var values = new string[array.Count];
            var ok = true;
            for (var i = 0; i < array.Count; i++)
            {
                if (array[i] is JsonValue v && v.GetValueKind() == JsonValueKind.String)
                {
                    values[i] = v.GetValue<string>();
                }
                else
                {
                    Abort(ZodIssues.InvalidType(ZodIssues.Append(path, i), "string", ZodIssues.TypeName(array[i])));
                    ok = false;
                }
            }
            return ok ? values : null;
        }

        // Dynamic-secret metadata: {$elemMatch: {key?: {$eq,$ne,$in}, value?: {$eq,$ne,$in}}}.
        private JsonObject? ParseElemMatch(JsonNode? node, IReadOnlyList<object> path)
        {
            if (node is not JsonObject wrapper)
            {
                Abort(ZodIssues.InvalidType(path, "object", ZodIssues.TypeName(node)));
                return null;
            }
            var elemPath = ZodIssues.Append(path, Op.ElemMatch);
            var present = wrapper.TryGetPropertyValue(Op.ElemMatch, out var inner);
            if (inner is not JsonObject query)
            {
                Abort(ZodIssues.InvalidType(elemPath, "object", ZodIssues.TypeName(inner, present)));
                return null;
            }
            var normalized = new JsonObject();
            foreach (var key in (string[])["key", "value"])
            {
                if (!query.TryGetPropertyValue(key, out var operators))
                    continue;
                var keyPath = ZodIssues.Append(elemPath, key);
                if (operators is not JsonObject ops)
                {
                    Abort(ZodIssues.InvalidType(keyPath, "object", ZodIssues.TypeName(operators)));
                    return null;
                }
                var tests = ParseOperators(ops, Op.EqNeIn, isPath: false, keyPath);
                var json = new JsonObject();
                foreach (var test in tests)
                    json[test.Operator] = test.ToJson();
                normalized[key] = json;
            }
            return normalized;
        }

        private void Abort(ValidationIssue issue)
        {
            _issues.Add(issue);
            _aborted = true;
        }

        private void Dirty(ValidationIssue issue) => _issues.Add(issue);
    }
}
